using System.Globalization;
using System.Text.Json.Serialization;

namespace Appointments.Booking;

internal static class NoticeKinds
{
    public const string Confirmation = "confirmation";
    public const string Rescheduled = "rescheduled";
    public const string Cancelled = "cancelled";

    /// <summary>Time freed for a waitlist entry, held for its patient until the notice's <c>expires_at</c>.</summary>
    public const string Offer = "offer";
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
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt = null)
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

    /// <summary>The notice of an offer to a waitlist entry (its id stands where an appointment's would), unless its patient asked for no messages.</summary>
    public static Notice? ForOffer(Waitlist.WaitlistEntry entry, DateTimeOffset now) =>
        entry is { Offer: { } offer } && entry.ReminderMethod != ReminderMethods.None
            ? new Notice($"{entry.Id}-offer-{entry.Offers.ToString(CultureInfo.InvariantCulture)}", entry.Id, NoticeKinds.Offer, entry.Offers, entry.Doctor,
                offer.Start, offer.Minutes, entry.ReminderMethod, entry.Email, entry.Phone, null, now, offer.ExpiresAt)
            : null;
}
