using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>
/// <see cref="Deliveries"/> as stored, read and written by hand for the reason <see cref="AppointmentJson"/> is: every
/// read of an appointment reads them too, and the generated reader takes the constructor path for each record in
/// them. The bytes are the ones System.Text.Json writes for the records, nulls left out; members it does not know
/// are skipped; a record without notices reads as one with none.
/// </summary>
internal sealed class DeliveriesJson : JsonConverter<Deliveries>
{
    internal static readonly StoredMembers Members = new("deliveries record", ["reminder", "notices"]);

    internal static readonly StoredMembers Reminder = new("reminder", ["status", "attempts", "sent_at", "last_error", "start_utc"]);

    internal static readonly StoredMembers Notice = new("notice", ["id", "kind", "status", "attempts", "sent_at", "last_error"]);

    public override Deliveries Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Members.Expect(ref reader, JsonTokenType.StartObject);
        AppointmentReminder? reminder = null;
        var notices = new List<NoticeDelivery>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Members.Find(ref reader, 0);
            reader.Read();
            if (member == 0 && reader.TokenType != JsonTokenType.Null)
            {
                reminder = ReadReminder(ref reader);
            }
            else if (member == 1 && reader.TokenType != JsonTokenType.Null)
            {
                Members.Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    notices.Add(ReadNotice(ref reader));
                }
            }
            else
            {
                reader.Skip();
            }
        }

        Members.Expect(ref reader, JsonTokenType.EndObject);
        return new Deliveries(reminder, notices);
    }

    public override void Write(Utf8JsonWriter writer, Deliveries value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.Reminder is { } reminder)
        {
            writer.WriteStartObject(Members[0]);
            Reminder.WriteIfAny(writer, 0, reminder.Status);
            writer.WriteNumber(Reminder[1], reminder.Attempts);
            Reminder.WriteIfAny(writer, 2, reminder.SentAt);
            Reminder.WriteIfAny(writer, 3, reminder.LastError);
            writer.WriteString(Reminder[4], reminder.StartUtc);
            writer.WriteEndObject();
        }

        if (value.Notices is { } notices)
        {
            writer.WriteStartArray(Members[1]);
            foreach (var notice in notices)
            {
                writer.WriteStartObject();
                Notice.WriteIfAny(writer, 0, notice.Id);
                Notice.WriteIfAny(writer, 1, notice.Kind);
                Notice.WriteIfAny(writer, 2, notice.Status);
                writer.WriteNumber(Notice[3], notice.Attempts);
                Notice.WriteIfAny(writer, 4, notice.SentAt);
                Notice.WriteIfAny(writer, 5, notice.LastError);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static AppointmentReminder ReadReminder(ref Utf8JsonReader reader)
    {
        Reminder.Expect(ref reader, JsonTokenType.StartObject);
        string? status = null, lastError = null;
        int? attempts = null;
        DateTimeOffset? sentAt = null, start = null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Reminder.Find(ref reader, next);
            next = member + 1;
            reader.Read();
            switch (member)
            {
                case 0: status = Reminder.Text(ref reader); break;
                case 1: attempts = Reminder.Number(ref reader); break;
                case 2: sentAt = Reminder.Time(ref reader); break;
                case 3: lastError = Reminder.Text(ref reader); break;
                case 4: start = Reminder.Time(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Reminder.Expect(ref reader, JsonTokenType.EndObject);
        return new AppointmentReminder(Reminder.Required(status, 0), Reminder.Required(attempts, 1), sentAt, lastError, Reminder.Required(start, 4));
    }

    private static NoticeDelivery ReadNotice(ref Utf8JsonReader reader)
    {
        Notice.Expect(ref reader, JsonTokenType.StartObject);
        string? id = null, kind = null, status = null, lastError = null;
        int? attempts = null;
        DateTimeOffset? sentAt = null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Notice.Find(ref reader, next);
            next = member + 1;
            reader.Read();
            switch (member)
            {
                case 0: id = Notice.Text(ref reader); break;
                case 1: kind = Notice.Text(ref reader); break;
                case 2: status = Notice.Text(ref reader); break;
                case 3: attempts = Notice.Number(ref reader); break;
                case 4: sentAt = Notice.Time(ref reader); break;
                case 5: lastError = Notice.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Notice.Expect(ref reader, JsonTokenType.EndObject);
        return new NoticeDelivery(Notice.Required(id, 0), Notice.Required(kind, 1), Notice.Required(status, 2), Notice.Required(attempts, 3), sentAt, lastError);
    }
}
