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
    internal static readonly string[] Names =
    [
        "_id", "username", "doctor", "start_utc", "duration_minutes", "slot", "visit_type", "status", "email", "phone",
        "reminder_method", "created_at", "updated_at", "cancellation", "version", "deleted_at",
    ];

    private static readonly byte[][] Utf8Names = [.. Names.Select(n => System.Text.Encoding.UTF8.GetBytes(n))];

    public override Appointment Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? id = null, username = null, doctor = null, slot = null, visitType = null, status = null, email = null, phone = null, reminder = null;
        DateTimeOffset? start = null, created = null, updated = null, deletedAt = null;
        int? minutes = null;
        var version = 0;
        Cancellation? cancellation = null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Find(ref reader, next);
            next = member + 1;
            reader.Read();
            switch (member)
            {
                case 0: id = Text(ref reader); break;
                case 1: username = Text(ref reader); break;
                case 2: doctor = Text(ref reader); break;
                case 3: start = Time(ref reader); break;
                case 4: minutes = Number(ref reader); break;
                case 5: slot = Text(ref reader); break;
                case 6: visitType = Text(ref reader); break;
                case 7: status = Text(ref reader); break;
                case 8: email = Text(ref reader); break;
                case 9: phone = Text(ref reader); break;
                case 10: reminder = Text(ref reader); break;
                case 11: created = Time(ref reader); break;
                case 12: updated = Time(ref reader); break;
                case 13: cancellation = reader.TokenType == JsonTokenType.Null ? null : JsonSerializer.Deserialize(ref reader, StorageJson.Default.Cancellation); break;
                case 14: version = Required(Number(ref reader), 14); break;
                case 15: deletedAt = Time(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Expect(ref reader, JsonTokenType.EndObject);
        return new Appointment
        {
            Id = Required(id, 0),
            Username = Required(username, 1),
            Doctor = Required(doctor, 2),
            StartUtc = Required(start, 3),
            DurationMinutes = Required(minutes, 4),
            Slot = slot,
            VisitType = visitType,
            Status = Required(status, 7),
            Email = email,
            Phone = phone,
            ReminderMethod = Required(reminder, 10),
            CreatedAt = Required(created, 11),
            UpdatedAt = Required(updated, 12),
            Cancellation = cancellation,
            Version = version,
            DeletedAt = deletedAt,
        };
    }

    public override void Write(Utf8JsonWriter writer, Appointment value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteIfAny(writer, 0, value.Id);
        WriteIfAny(writer, 1, value.Username);
        WriteIfAny(writer, 2, value.Doctor);
        writer.WriteString(Utf8Names[3], value.StartUtc);
        writer.WriteNumber(Utf8Names[4], value.DurationMinutes);
        WriteIfAny(writer, 5, value.Slot);
        WriteIfAny(writer, 6, value.VisitType);
        WriteIfAny(writer, 7, value.Status);
        WriteIfAny(writer, 8, value.Email);
        WriteIfAny(writer, 9, value.Phone);
        WriteIfAny(writer, 10, value.ReminderMethod);
        writer.WriteString(Utf8Names[11], value.CreatedAt);
        writer.WriteString(Utf8Names[12], value.UpdatedAt);
        if (value.Cancellation is { } cancellation)
        {
            writer.WritePropertyName(Utf8Names[13]);
            JsonSerializer.Serialize(writer, cancellation, StorageJson.Default.Cancellation);
        }

        writer.WriteNumber(Utf8Names[14], value.Version);
        if (value.DeletedAt is { } deletedAt)
        {
            writer.WriteString(Utf8Names[15], deletedAt);
        }

        writer.WriteEndObject();
    }

    /// <summary>The member the reader is at, trying the one written after the last first; -1 for one it does not know.</summary>
    private static int Find(ref Utf8JsonReader reader, int next)
    {
        if (next < Utf8Names.Length && reader.ValueTextEquals(Utf8Names[next]))
        {
            return next;
        }

        for (var i = 0; i < Utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Text members are left out when null, as the serializer leaves them, the record's required ones too.</summary>
    private static void WriteIfAny(Utf8JsonWriter writer, int member, string? text)
    {
        if (text is not null)
        {
            writer.WriteString(Utf8Names[member], text);
        }
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A stored appointment holds {reader.TokenType} where text belongs."),
    };

    private static DateTimeOffset? Time(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String when reader.TryGetDateTimeOffset(out var time) => time,
        JsonTokenType.Null => null,
        _ => throw new JsonException("A stored appointment holds a time that is not one."),
    };

    private static int? Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var number) => number,
        JsonTokenType.Null => null,
        _ => throw new JsonException("A stored appointment holds a number that is not one."),
    };

    private static T Required<T>(T? value, int member)
        where T : class =>
        value ?? throw new JsonException($"A stored appointment has no {Names[member]}.");

    private static T Required<T>(T? value, int member)
        where T : struct =>
        value ?? throw new JsonException($"A stored appointment has no {Names[member]}.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"A stored appointment holds {reader.TokenType} where {token} belongs.");
        }
    }
}
