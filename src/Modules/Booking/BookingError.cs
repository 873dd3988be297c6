namespace Appointments.Booking;

/// <summary>A request Booking refuses: the HTTP status and the original service's <c>message</c>.</summary>
internal sealed record BookingError(int Status, string Message, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static readonly BookingError NotFound = new(404, "Appointment not found");
    public static readonly BookingError TimeTaken = new(409, "Doctor already booked for this slot");
    public static readonly BookingError Changed = new(412, "Appointment was changed by someone else");
    public static readonly BookingError InvalidDate = new(400, "Invalid date format");
    public static readonly BookingError NotInFuture = new(400, "Appointment date and time must be in the future");
    public static readonly BookingError UserMissing = new(404, "User does not exist");
    public static readonly BookingError Forbidden = new(403, "You may read this appointment but not change it");
    public static readonly BookingError TooLarge = new(413, "Request body too large");

    public static BookingError Invalid(string field, string problem) => Invalid(new Dictionary<string, string[]> { [field] = [problem] });

    public static BookingError Invalid(IReadOnlyDictionary<string, string[]> errors) => new(400, "Invalid request", errors);
}
