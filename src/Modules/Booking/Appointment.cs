using System.Text.Json.Serialization;

namespace Appointments.Booking;

/// <summary>The stored appointment and its rules: which statuses it may move to and which time it holds.</summary>
internal sealed record Appointment
{
    [JsonPropertyName("_id")] public required string Id { get; init; }
    [JsonPropertyName("username")] public required string Username { get; init; }
    [JsonPropertyName("doctor")] public required string Doctor { get; init; }
    [JsonPropertyName("start_utc")] public required DateTimeOffset StartUtc { get; init; }
    [JsonPropertyName("duration_minutes")] public required int DurationMinutes { get; init; }
    [JsonPropertyName("slot")] public string? Slot { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("phone")] public string? Phone { get; init; }
    [JsonPropertyName("reminder_method")] public required string ReminderMethod { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("reminder")] public AppointmentReminder? Reminder { get; init; }

    /// <summary>Set on delete: the document stays as a tombstone so a stale write cannot bring it back.</summary>
    [JsonPropertyName("deleted_at")] public DateTimeOffset? DeletedAt { get; init; }

    [JsonIgnore] public bool IsDeleted => DeletedAt is not null;

    /// <summary>A cancelled (or deleted) appointment holds no time; every other status does.</summary>
    [JsonIgnore] public bool HoldsTime => !IsDeleted && Status != AppointmentStatus.Cancelled;

    [JsonIgnore] public bool IsActive => !IsDeleted && AppointmentStatus.IsActive(Status);

    [JsonIgnore] public DateTimeOffset EndUtc => StartUtc.AddMinutes(DurationMinutes);

    /// <summary>Why this appointment may not go to <paramref name="next"/>, or null when it may.</summary>
    public string? RefuseStatus(string next) => (Status, next) switch
    {
        _ when Status == next => null,
        _ when AppointmentStatus.IsActive(Status) => null,
        (AppointmentStatus.Cancelled, _) when AppointmentStatus.IsActive(next) => null,
        _ => $"An appointment that is {Status} cannot become {next}.",
    };

    /// <summary>Why this appointment's doctor or time may not change, or null when it may.</summary>
    public string? RefuseMove() =>
        Status is AppointmentStatus.Completed or AppointmentStatus.NoShow
            ? $"An appointment that is {Status} cannot be moved."
            : null;
}

internal sealed record AppointmentReminder(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("start_utc")] DateTimeOffset StartUtc);

internal static class AppointmentStatus
{
    public const string Scheduled = "scheduled";
    public const string Rescheduled = "rescheduled";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
    public const string NoShow = "no_show";

    public static readonly string[] All = [Scheduled, Rescheduled, Cancelled, Completed, NoShow];

    /// <summary>Active appointments are still to happen: they get reminders.</summary>
    public static bool IsActive(string status) => status is Scheduled or Rescheduled;
}

internal static class ReminderMethods
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string None = "none";

    public static readonly string[] All = [Email, Sms, None];
}
