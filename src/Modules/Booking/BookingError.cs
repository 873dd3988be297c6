namespace Appointments.Booking;

/// <summary>
/// A request Booking refuses: the HTTP status, a stable snake_case <see cref="Code"/> clients branch on, the original
/// service's <c>message</c> (old clients read it, so its words stay), and where it helps, a <see cref="Detail"/> that
/// says what to do and <see cref="Errors"/> by field.
/// </summary>
internal sealed record BookingError(int Status, string Code, string Message, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The formats a date and time may be written in, as <see cref="Clinic.Read"/> reads them.</summary>
    public const string DateTimeFormats = "YYYY-MM-DD HH:MM:SS in the clinic's time zone (a T instead of the space, no seconds, or an offset such as Z or +01:00 also do)";

    public static readonly BookingError NotFound = new(404, "not_found", "Appointment not found");
    public static readonly BookingError TimeTaken = new(409, "doctor_booked", "Doctor already booked for this slot");
    public static readonly BookingError PatientBusy = new(409, "patient_busy", "You already have an appointment at this time");
    public static readonly BookingError Closed = new(409, "appointment_closed", "Appointment is closed");
    public static readonly BookingError Changed = new(412, "precondition_failed", "Appointment was changed by someone else");
    public static readonly BookingError InvalidDate = new(400, "invalid_date", "Invalid date format");
    public static readonly BookingError SkippedTime = new(400, "nonexistent_local_time", "This local time does not exist in the clinic's time zone: the clocks skip it");
    public static readonly BookingError NotInFuture = new(400, "date_in_past", "Appointment date and time must be in the future");
    public static readonly BookingError UserMissing = new(404, "user_not_found", "User does not exist");
    public static readonly BookingError NotAllowed = new(403, "forbidden", "Not allowed to make this change");
    public static readonly BookingError KeyReused = new(422, "idempotency_mismatch", "Idempotency key reused with a different request");
    public static readonly BookingError TooLarge = new(413, "payload_too_large", "Request body too large");
    public static readonly BookingError Unavailable = new(409, "doctor_unavailable", "Doctor is not available at this time");
    public static readonly BookingError NoSchedule = new(404, "not_found", "Schedule not found");
    public static readonly BookingError ScheduleChanged = new(412, "precondition_failed", "Schedule was changed by someone else");
    public static readonly BookingError SlotHeld = new(409, "slot_held", "This time is held for a patient on the waitlist");
    public static readonly BookingError OfferExpired = new(409, "offer_expired", "The offer has expired or ended") { Detail = "Join the waitlist again, or book one of the free slots." };
    public static readonly BookingError NotYourAgenda = new(403, "forbidden", "Not allowed to see this doctor's appointments");

    /// <summary>What to do about it, in words: the limit broken, the format expected.</summary>
    public string? Detail { get; init; }

    /// <summary>For a <c>412</c>: the version there is now, so the caller can read it and decide again.</summary>
    public string? CurrentETag { get; init; }

    /// <summary>A start sooner than the minimum notice: the original's words, the limit in <see cref="Detail"/>.</summary>
    public static BookingError TooSoon(TimeSpan notice) =>
        new(400, "too_soon", "Appointment is too soon or too far ahead") { Detail = $"It must start at least {Words(notice)} from now." };

    /// <summary>A start beyond the horizon: the original's words, the limit in <see cref="Detail"/>.</summary>
    public static BookingError TooFarAhead(TimeSpan horizon) =>
        new(400, "too_far_ahead", "Appointment is too soon or too far ahead") { Detail = $"It must start at most {Words(horizon)} from now." };

    public static BookingError TooManyActive(int limit) =>
        new(409, "too_many_active", $"You already have {limit} upcoming appointments, the most one patient may hold: cancel one to book another");

    public static BookingError Invalid(string field, string problem) => Invalid(new Dictionary<string, string[]> { [field] = [problem] });

    public static BookingError Invalid(IReadOnlyDictionary<string, string[]> errors) => new(400, "invalid_request", "Invalid request", errors);

    /// <summary>This date error, told about <paramref name="field"/>: which field, and what it should look like.</summary>
    public BookingError About(string field)
    {
        var expected = Code == InvalidDate.Code ? $"must be a date and time: {DateTimeFormats}" : Message;
        return this with { Errors = new Dictionary<string, string[]> { [field] = [expected] }, Detail = $"{field} {expected}" };
    }

    private static string Words(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? $"{span.TotalDays:0} day(s)"
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} hour(s)"
        : $"{span.TotalMinutes:0} minute(s)";
}
