using System.Text.Json.Serialization;

namespace Appointments.Booking.Api;

/// <summary>
/// An appointment as clients read it: the original service's nine members and a few extras, among them
/// <c>start</c>/<c>end</c> with the clinic's offset and, for the patient and admins, where its reminder and notices stand.
/// </summary>
internal sealed record AppointmentDocument(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("date_time")] string DateTime,
    [property: JsonPropertyName("slot")] string? Slot,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("reminder_method")] string ReminderMethod,
    [property: JsonPropertyName("duration_minutes")] int DurationMinutes,
    [property: JsonPropertyName("visit_type")] string? VisitType,
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("cancellation")] Cancellation? Cancellation,
    [property: JsonPropertyName("reminder")] ReminderDocument? Reminder,
    [property: JsonPropertyName("notices"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<NoticeDocument>? Notices)
{
    /// <param name="deliveries">Where the reminder and notices stand: for the patient and admins only; null leaves them out.</param>
    public static AppointmentDocument From(Appointment a, Clinic clinic, Deliveries? deliveries = null) => new(
        a.Id,
        a.Username,
        a.Doctor,
        clinic.Format(a.StartUtc),
        a.Slot,
        a.Status,
        a.Email,
        a.Phone,
        a.ReminderMethod,
        a.DurationMinutes,
        a.VisitType,
        clinic.FormatWithOffset(a.StartUtc),
        clinic.FormatWithOffset(a.EndUtc),
        a.CreatedAt,
        a.UpdatedAt,
        a.Cancellation,
        deliveries?.Reminder is { } r && r.StartUtc == a.StartUtc ? new ReminderDocument(r.Status, r.Attempts, r.SentAt, r.LastError) : null,
        deliveries?.Notices.Select(n => new NoticeDocument(n.Kind, n.Status, n.SentAt)).ToList());
}

internal sealed record ReminderDocument(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("last_error")] string? LastError);

internal sealed record NoticeDocument(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt);

internal sealed record MessageResponse([property: JsonPropertyName("message")] string Message);

/// <summary>A booking's answer: the original's message and id, and the new appointment as <c>GET</c> would show it.</summary>
internal sealed record CreatedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("appointment")] AppointmentDocument? Appointment);

/// <summary>A change's answer: the original's message and the appointment as it is now.</summary>
internal sealed record ChangedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("appointment")] AppointmentDocument? Appointment);

internal sealed record StatusResponse([property: JsonPropertyName("status")] string Status);

/// <summary>The request bodies, for the OpenAPI document only: bodies are read field by field.</summary>
internal sealed record CreateAppointmentRequest(
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("date_time")] string DateTime,
    [property: JsonPropertyName("slot")] string? Slot = null,
    [property: JsonPropertyName("email")] string? Email = null,
    [property: JsonPropertyName("phone")] string? Phone = null,
    [property: JsonPropertyName("reminder_method")] string? ReminderMethod = null,
    [property: JsonPropertyName("duration_minutes")] int? DurationMinutes = null,
    [property: JsonPropertyName("visit_type")] string? VisitType = null,
    [property: JsonPropertyName("username")] string? Username = null);

internal sealed record UpdateAppointmentRequest(
    [property: JsonPropertyName("doctor")] string? Doctor = null,
    [property: JsonPropertyName("date_time")] string? DateTime = null,
    [property: JsonPropertyName("slot")] string? Slot = null,
    [property: JsonPropertyName("status")] string? Status = null,
    [property: JsonPropertyName("email")] string? Email = null,
    [property: JsonPropertyName("phone")] string? Phone = null,
    [property: JsonPropertyName("reminder_method")] string? ReminderMethod = null,
    [property: JsonPropertyName("duration_minutes")] int? DurationMinutes = null);

internal sealed record RescheduleRequest([property: JsonPropertyName("new_date_time")] string NewDateTime);

internal sealed record CancelRequest([property: JsonPropertyName("reason")] string? Reason = null);

[JsonSerializable(typeof(AppointmentDocument))]
[JsonSerializable(typeof(List<AppointmentDocument>))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(CreatedResponse))]
[JsonSerializable(typeof(ChangedResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(CreateAppointmentRequest))]
[JsonSerializable(typeof(UpdateAppointmentRequest))]
[JsonSerializable(typeof(RescheduleRequest))]
[JsonSerializable(typeof(CancelRequest))]
[JsonSerializable(typeof(List<HistoryEntry>))]
internal sealed partial class BookingApiJson : JsonSerializerContext;

