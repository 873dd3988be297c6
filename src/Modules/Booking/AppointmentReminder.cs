using System.Text.Json.Serialization;

namespace Appointments.Booking;

/// <summary>
/// Where an appointment's reminder stands, as Notifications reports it. Kept under its own key, beside the
/// document: sending a reminder is bookkeeping, not a change, so it never moves the document's ETag.
/// </summary>
/// <param name="StartUtc">The start the reminder was for; a reminder for an earlier start is not shown.</param>
internal sealed record AppointmentReminder(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("start_utc")] DateTimeOffset StartUtc);
