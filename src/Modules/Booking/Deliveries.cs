using System.Text.Json.Serialization;

namespace Appointments.Booking;

/// <summary>
/// Where an appointment's reminder and notices stand, as Notifications reports them. Kept under its own key,
/// beside the document: sending a message is bookkeeping, not a change, so it never moves the document's ETag.
/// </summary>
internal sealed record Deliveries(
    [property: JsonPropertyName("reminder")] AppointmentReminder? Reminder,
    [property: JsonPropertyName("notices")] List<NoticeDelivery> Notices)
{
    public static readonly Deliveries None = new(null, []);
}

/// <param name="StartUtc">The start the reminder was for; a reminder for an earlier start is not shown.</param>
internal sealed record AppointmentReminder(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("start_utc")] DateTimeOffset StartUtc);

internal sealed record NoticeDelivery(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("last_error")] string? LastError);
