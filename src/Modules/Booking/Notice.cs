using System.Globalization;
using System.Text.Json.Serialization;

namespace Appointments.Booking;

internal static class NoticeKinds
{
    public const string Confirmation = "confirmation";
    public const string Rescheduled = "rescheduled";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// A notice a change owes the patient, stored first-write in that change's transaction: the outbox record.
/// What it says is fixed then; where its delivery stands is kept with the appointment's deliveries.
/// </summary>
internal sealed record Notice(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("appointment_id")] string AppointmentId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("sequence")] int Sequence,
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("start_utc")] DateTimeOffset StartUtc,
    [property: JsonPropertyName("duration_minutes")] int DurationMinutes,
    [property: JsonPropertyName("reminder_method")] string Method,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The notice a change owes, if any: a confirmation for a booking or a restored cancellation, a reschedule
    /// notice when the time, length or doctor moved, a cancellation notice for a cancel; nothing for other
    /// changes, outcomes, deletes, or a patient who asked for no messages.
    /// </summary>
    public static Notice? For(string action, Appointment? before, Appointment after, DateTimeOffset now)
    {
        var moved = before is not null && (before.Doctor != after.Doctor || before.StartUtc != after.StartUtc || before.DurationMinutes != after.DurationMinutes);
        var kind = action switch
        {
            HistoryActions.Create or HistoryActions.Uncancel => NoticeKinds.Confirmation,
            HistoryActions.Cancel => NoticeKinds.Cancelled,
            HistoryActions.Change when moved && after.HoldsTime => NoticeKinds.Rescheduled,
            _ => null,
        };
        if (kind is null || after.ReminderMethod == ReminderMethods.None)
        {
            return null;
        }

        return new Notice(
            $"{after.Id}-{after.Version.ToString(CultureInfo.InvariantCulture)}", after.Id, kind, after.Version, after.Doctor, after.StartUtc,
            after.DurationMinutes, after.ReminderMethod, after.Email, after.Phone, kind == NoticeKinds.Cancelled ? after.Cancellation?.Reason : null, now);
    }
}
