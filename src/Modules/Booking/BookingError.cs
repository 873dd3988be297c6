namespace Appointments.Booking;

/// <summary>A request Booking refuses: the HTTP status and the original service's <c>message</c>.</summary>
internal sealed record BookingError(int Status, string Message, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static readonly BookingError NotFound = new(404, "Appointment not found");
    public static readonly BookingError TimeTaken = new(409, "Doctor already booked for this slot");
    public static readonly BookingError PatientBusy = new(409, "You already have an appointment at this time");
    public static readonly BookingError Closed = new(409, "Appointment is closed");
    public static readonly BookingError Changed = new(412, "Appointment was changed by someone else");
    public static readonly BookingError InvalidDate = new(400, "Invalid date format");
    public static readonly BookingError SkippedTime = new(400, "This local time does not exist in the clinic's time zone: the clocks skip it");
    public static readonly BookingError NotInFuture = new(400, "Appointment date and time must be in the future");
    public static readonly BookingError OutsideNotice = new(400, "Appointment is too soon or too far ahead");
    public static readonly BookingError UserMissing = new(404, "User does not exist");
    public static readonly BookingError NotAllowed = new(403, "Not allowed to make this change");
    public static readonly BookingError KeyReused = new(422, "Idempotency key reused with a different request");
    public static readonly BookingError TooLarge = new(413, "Request body too large");
    public static readonly BookingError Unavailable = new(409, "Doctor is not available at this time");
    public static readonly BookingError NoSchedule = new(404, "Schedule not found");
    public static readonly BookingError ScheduleChanged = new(412, "Schedule was changed by someone else");
    public static readonly BookingError NotYourAgenda = new(403, "Not allowed to see this doctor's appointments");

    public static BookingError TooManyActive(int limit) =>
        new(409, $"You already have {limit} upcoming appointments, the most one patient may hold: cancel one to book another");

    public static BookingError Invalid(string field, string problem) => Invalid(new Dictionary<string, string[]> { [field] = [problem] });

    public static BookingError Invalid(IReadOnlyDictionary<string, string[]> errors) => new(400, "Invalid request", errors);
}
