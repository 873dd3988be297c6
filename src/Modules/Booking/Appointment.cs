using System.Text.Json.Serialization;

namespace Appointments.Booking;

/// <summary>
/// The stored appointment and its rules, in one place: who may change it how and when (API.md, "Who may do
/// what, and when"), which statuses it may move to, and which time it holds.
/// </summary>
internal sealed record Appointment
{
    /// <summary>The longest an appointment lasts, however its length was set (a request, a visit type, a slot, the default).</summary>
    public const int MaxMinutes = 480;

    [JsonPropertyName("_id")] public required string Id { get; init; }
    [JsonPropertyName("username")] public required string Username { get; init; }
    [JsonPropertyName("doctor")] public required string Doctor { get; init; }
    [JsonPropertyName("start_utc")] public required DateTimeOffset StartUtc { get; init; }
    [JsonPropertyName("duration_minutes")] public required int DurationMinutes { get; init; }
    [JsonPropertyName("slot")] public string? Slot { get; init; }
    [JsonPropertyName("visit_type")] public string? VisitType { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("phone")] public string? Phone { get; init; }
    [JsonPropertyName("reminder_method")] public required string ReminderMethod { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("cancellation")] public Cancellation? Cancellation { get; init; }

    /// <summary>How many changes it has had, its creation included: the number of its history records.</summary>
    [JsonPropertyName("version")] public int Version { get; init; }

    /// <summary>Set on delete: the document stays as a tombstone so a stale write cannot bring it back.</summary>
    [JsonPropertyName("deleted_at")] public DateTimeOffset? DeletedAt { get; init; }

    [JsonIgnore] public bool IsDeleted => DeletedAt is not null;

    /// <summary>
    /// Only an active appointment holds its time and slot: cancelling it, recording its outcome or deleting it
    /// releases them (API.md: a slot is held "by one active appointment of that doctor at a time").
    /// </summary>
    [JsonIgnore] public bool HoldsTime => IsActive;

    [JsonIgnore] public bool IsActive => !IsDeleted && AppointmentStatus.IsActive(Status);

    /// <summary>Completed and no-show are outcomes: final, never changed again.</summary>
    [JsonIgnore] public bool IsClosed => Status is AppointmentStatus.Completed or AppointmentStatus.NoShow;

    [JsonIgnore] public DateTimeOffset EndUtc => StartUtc.AddMinutes(DurationMinutes);

    public static Appointment New(string id, string username, NewAppointment request, int defaultMinutes, DateTimeOffset now) => new()
    {
        Id = id,
        Username = username,
        Doctor = request.Doctor,
        StartUtc = request.Start,
        DurationMinutes = request.DurationMinutes ?? defaultMinutes,
        Slot = request.Slot,
        VisitType = request.VisitType,
        Status = AppointmentStatus.Scheduled,
        Email = request.Email,
        Phone = request.Phone,
        ReminderMethod = request.ReminderMethod ?? ReminderMethods.Email,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    /// <summary>Who may book: patients for themselves, admins for anyone; doctors do not book.</summary>
    public static BookingError? RefuseBooking(Caller caller) => caller.Role == Caller.Doctor ? BookingError.NotAllowed : null;

    /// <summary>
    /// This appointment with <paramref name="changes"/> applied by <paramref name="caller"/>, or why not:
    /// closed (409), not the caller's to make (403), or not a move its status allows (400). Moving the time or
    /// the doctor marks a scheduled appointment rescheduled unless the change names a status itself.
    /// </summary>
    public (Appointment? Next, string Action, BookingError? Error) Apply(Caller caller, AppointmentChanges changes, DateTimeOffset now)
    {
        if (IsClosed)
        {
            return (null, "", BookingError.Closed);
        }

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
        var detailsChanged = moved || next.Slot != Slot || next.Email != Email || next.Phone != Phone || next.ReminderMethod != ReminderMethod;
        if (detailsChanged && !May(caller, Change.Details))
        {
            return (null, "", BookingError.NotAllowed);
        }

        var requested = changes.Status ?? Status;
        var (action, refusal) = requested == Status ? (HistoryActions.Change, null) : StatusChange(caller, requested, now);
        if (refusal is not null)
        {
            return (null, "", refusal);
        }

        var status = requested == Status && moved && Status == AppointmentStatus.Scheduled ? AppointmentStatus.Rescheduled : requested;

        next = next with
        {
            Status = status,
            Cancellation = action switch
            {
                HistoryActions.Cancel => new Cancellation(changes.Reason, caller.Username, caller.Role, now),
                HistoryActions.Uncancel => null,
                _ => Cancellation,
            },
        };
        return next.MissingContact() is { } missing ? (null, "", missing) : (next, action, null);
    }

    /// <summary>Why <paramref name="caller"/> may not delete this appointment, or null when they may.</summary>
    public BookingError? RefuseDelete(Caller caller) =>
        IsClosed ? BookingError.Closed : May(caller, Change.Delete) ? null : BookingError.NotAllowed;

    /// <summary>A reminder that can never be sent is refused up front: email needs an address, SMS a number.</summary>
    public BookingError? MissingContact() => Contacts.Missing(ReminderMethod, Email, Phone);

    private (string Action, BookingError? Refusal) StatusChange(Caller caller, string status, DateTimeOffset now)
    {
        var (change, action) = (Status, status) switch
        {
            (_, AppointmentStatus.Cancelled) when AppointmentStatus.IsActive(Status) => (Change.Cancel, HistoryActions.Cancel),
            (AppointmentStatus.Cancelled, AppointmentStatus.Scheduled) => (Change.Uncancel, HistoryActions.Uncancel),
            (_, AppointmentStatus.Completed or AppointmentStatus.NoShow) when AppointmentStatus.IsActive(Status) => (Change.Outcome, HistoryActions.Outcome),
            _ => (Change.None, ""),
        };

        if (change == Change.None)
        {
            var why = AppointmentStatus.IsActive(status) && AppointmentStatus.IsActive(Status)
                ? $"{status} is set by the service when the time or doctor moves"
                : $"an appointment that is {Status} cannot become {status}";
            return ("", BookingError.Invalid("status", why));
        }

        if (!May(caller, change))
        {
            return ("", BookingError.NotAllowed);
        }

        return change == Change.Outcome && now < StartUtc
            ? ("", BookingError.Invalid("status", $"{status} can be recorded only once the appointment has started"))
            : (action, null);
    }

    /// <summary>
    /// The role table. Reading is checked before any change (<see cref="Caller.CanRead"/>), so a patient here
    /// is the appointment's own patient and a doctor its own doctor.
    /// </summary>
    private bool May(Caller caller, Change change) => (caller.Role, change) switch
    {
        (Caller.Admin, _) => true,
        (_, Change.Cancel) => true,
        (_, Change.Uncancel) => Cancellation?.By == caller.Username,
        (Caller.Patient, Change.Details or Change.Delete) => true,
        (Caller.Doctor, Change.Outcome) => true,
        _ => false,
    };

    private enum Change
    {
        None,
        Details,
        Cancel,
        Uncancel,
        Outcome,
        Delete,
    }
}

/// <summary>Who cancelled, when and why: shown on the document until the appointment is restored.</summary>
internal sealed record Cancellation(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("at")] DateTimeOffset At);

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
