using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>The time an appointment holds, as an outbox event records it before and after a change.</summary>
internal sealed record EventTime(
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End)
{
    public static EventTime? Of(Appointment? appointment) =>
        appointment is { HoldsTime: true } ? new EventTime(appointment.Doctor, appointment.StartUtc, appointment.EndUtc) : null;
}

/// <summary>
/// What one change of an appointment tells the modules that follow Booking: the time it held before and holds after
/// (null: none), and the notice it owes the patient. Written first-write to an outbox lane in the change's own
/// transaction (<see cref="OutboxLanes"/>), so a change and its event exist together or not at all.
/// </summary>
internal sealed record OutboxEvent(
    [property: JsonPropertyName("appointment_id")] string AppointmentId,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("before")] EventTime? Before,
    [property: JsonPropertyName("after")] EventTime? After,
    [property: JsonPropertyName("notice")] Notice? Notice)
{
    /// <summary>
    /// The event of a change from <paramref name="before"/> to <paramref name="after"/>, or null when nobody needs to
    /// hear of it: no notice owed and the time it holds unchanged (a new email, a slot name).
    /// </summary>
    public static OutboxEvent? Of(Appointment? before, Appointment after, Notice? notice, DateTimeOffset now)
    {
        var (held, holds) = (EventTime.Of(before), EventTime.Of(after));
        return notice is null && held == holds ? null : new OutboxEvent(after.Id, after.Version, now, held, holds, notice);
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.OutboxEvent);

    public static OutboxEvent Read(byte[] value) => JsonSerializer.Deserialize(value, StorageJson.Default.OutboxEvent)!;
}
