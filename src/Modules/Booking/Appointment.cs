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

    public static Appointment New(string id, string username, NewAppointment request, int defaultMinutes, DateTimeOffset now) => new()
    {
        Id = id,
        Username = username,
        Doctor = request.Doctor,
        StartUtc = request.Start,
        DurationMinutes = request.DurationMinutes ?? defaultMinutes,
        Slot = request.Slot,
        Status = AppointmentStatus.Scheduled,
        Email = request.Email,
        Phone = request.Phone,
        ReminderMethod = request.ReminderMethod ?? ReminderMethods.Email,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// This appointment with <paramref name="changes"/> applied, or why it may not change so. Moving the time or
    /// the doctor marks a scheduled appointment rescheduled unless the change names a status itself.
    /// </summary>
    public (Appointment? Next, BookingError? Error) Apply(AppointmentChanges changes, DateTimeOffset now)
    {
        var next = this with
        {
            Doctor = changes.Doctor ?? Doctor,
            StartUtc = changes.Start ?? StartUtc,
            DurationMinutes = changes.DurationMinutes ?? DurationMinutes,
            Slot = changes.Slot.Or(Slot),
            Email = changes.Email.Or(Email),
            Phone = changes.Phone.Or(Phone),
            ReminderMethod = changes.ReminderMethod ?? ReminderMethod,
            UpdatedAt = now,
        };

        var moved = next.Doctor != Doctor || next.StartUtc != StartUtc || next.DurationMinutes != DurationMinutes;
        if (moved && RefuseMove() is { } refusal)
        {
            return (null, BookingError.Invalid("date_time", refusal));
        }

        var status = changes.Status ?? (moved && Status == AppointmentStatus.Scheduled ? AppointmentStatus.Rescheduled : Status);
        if (RefuseStatus(status) is { } statusRefusal)
        {
            return (null, BookingError.Invalid("status", statusRefusal));
        }

        next = next with { Status = status };
        return next.MissingContact() is { } missing ? (null, missing) : (next, null);
    }

    /// <summary>A reminder that can never be sent is refused up front: email needs an address, SMS a number.</summary>
    public BookingError? MissingContact() => ReminderMethod switch
    {
        ReminderMethods.Email when Email is null => BookingError.Invalid("email", "is required when reminder_method is email"),
        ReminderMethods.Sms when Phone is null => BookingError.Invalid("phone", "is required when reminder_method is sms"),
        _ => null,
    };

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
