using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>
/// <see cref="Appointment"/> as stored: the object System.Text.Json would write for it (its members in order, nulls left
/// out), read and written by hand. The generated reader goes through the constructor path for <c>required</c> and
/// <c>init</c> members, boxing every value into an argument cache, and every read of an appointment (one, a page of
/// them, the document before a change) paid for it. Members it does not know are skipped, as the generated reader did.
/// </summary>
internal sealed class AppointmentJson : JsonConverter<Appointment>
{
    /// <summary>Every member's name, in the order they are written: what a reader tries first at each step.</summary>
    internal static readonly StoredMembers Members = new("appointment",
    [
        "_id", "username", "doctor", "start_utc", "duration_minutes", "slot", "visit_type", "status", "email", "phone",
        "reminder_method", "created_at", "updated_at", "cancellation", "version", "deleted_at",
    ]);

    public override Appointment Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Members.Expect(ref reader, JsonTokenType.StartObject);
        string? id = null, username = null, doctor = null, slot = null, visitType = null, status = null, email = null, phone = null, reminder = null;
        DateTimeOffset? start = null, created = null, updated = null, deletedAt = null;
        int? minutes = null;
        var version = 0;
        Cancellation? cancellation = null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Members.Find(ref reader, next);
            next = member + 1;
            reader.Read();
            switch (member)
            {
                case 0: id = Members.Text(ref reader); break;
                case 1: username = Members.Text(ref reader); break;
                case 2: doctor = Members.Text(ref reader); break;
                case 3: start = Members.Time(ref reader); break;
                case 4: minutes = Members.Number(ref reader); break;
                case 5: slot = Members.Text(ref reader); break;
                case 6: visitType = Members.Text(ref reader); break;
                case 7: status = Members.Text(ref reader); break;
                case 8: email = Members.Text(ref reader); break;
                case 9: phone = Members.Text(ref reader); break;
                case 10: reminder = Members.Text(ref reader); break;
                case 11: created = Members.Time(ref reader); break;
                case 12: updated = Members.Time(ref reader); break;
                case 13: cancellation = reader.TokenType == JsonTokenType.Null ? null : JsonSerializer.Deserialize(ref reader, StorageJson.Default.Cancellation); break;
                case 14: version = Members.Required(Members.Number(ref reader), 14); break;
                case 15: deletedAt = Members.Time(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Members.Expect(ref reader, JsonTokenType.EndObject);
        return new Appointment
        {
            Id = Members.Required(id, 0),
            Username = Members.Required(username, 1),
            Doctor = Members.Required(doctor, 2),
            StartUtc = Members.Required(start, 3),
            DurationMinutes = Members.Required(minutes, 4),
            Slot = slot,
            VisitType = visitType,
            Status = Members.Required(status, 7),
            Email = email,
            Phone = phone,
            ReminderMethod = Members.Required(reminder, 10),
            CreatedAt = Members.Required(created, 11),
            UpdatedAt = Members.Required(updated, 12),
            Cancellation = cancellation,
            Version = version,
            DeletedAt = deletedAt,
        };
    }

    public override void Write(Utf8JsonWriter writer, Appointment value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        Members.WriteIfAny(writer, 0, value.Id);
        Members.WriteIfAny(writer, 1, value.Username);
        Members.WriteIfAny(writer, 2, value.Doctor);
        writer.WriteString(Members[3], value.StartUtc);
        writer.WriteNumber(Members[4], value.DurationMinutes);
        Members.WriteIfAny(writer, 5, value.Slot);
        Members.WriteIfAny(writer, 6, value.VisitType);
        Members.WriteIfAny(writer, 7, value.Status);
        Members.WriteIfAny(writer, 8, value.Email);
        Members.WriteIfAny(writer, 9, value.Phone);
        Members.WriteIfAny(writer, 10, value.ReminderMethod);
        writer.WriteString(Members[11], value.CreatedAt);
        writer.WriteString(Members[12], value.UpdatedAt);
        if (value.Cancellation is { } cancellation)
        {
            writer.WritePropertyName(Members[13]);
            JsonSerializer.Serialize(writer, cancellation, StorageJson.Default.Cancellation);
        }

        writer.WriteNumber(Members[14], value.Version);
        Members.WriteIfAny(writer, 15, value.DeletedAt);

        writer.WriteEndObject();
    }
}
