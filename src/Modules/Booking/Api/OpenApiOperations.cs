using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Appointments.Booking.Api;

/// <summary>
/// Every Booking route as a front-end developer reads it in the OpenAPI document: a name a generated client calls it
/// by (<c>operationId</c>), what it does, and each parameter's meaning, type and whether it is required. The handlers
/// take query values as text to answer bad ones with the field's name; this says what they accept.
/// </summary>
internal static class OpenApiOperations
{
    private const string IfMatch = "Change only this version: the `ETag` of the last answer about it. Without it, the change applies to whatever version is there.";
    private const string Id = "The appointment's id (`_id`).";
    private const string WaitlistId = "The waitlist entry's id (`_id`).";
    private const string DoctorPath = "The doctor's id: 1 to 128 letters, digits or `-_.:@`.";
    private const string VisitTypeQuery =
        "A visit type's code: only starts where a visit of its minutes fits (and the doctor's buffer after it); without it, one slot's.";

    private static readonly Dictionary<string, Operation> Operations = new(StringComparer.Ordinal)
    {
        ["POST /api/appointments"] = new("bookAppointment", "Book an appointment",
            "Books a visit with a doctor, for the caller (an admin may name the patient in `username`). Pick a time from " +
            "`GET /api/doctors/{doctor}/slots` and send its `date_time` back: without `duration_minutes` the visit lasts the " +
            "doctor's slot. The answer carries the new appointment, its `Location` and its `ETag`. Send an `Idempotency-Key` to " +
            "retry safely: the same key and body again answer the first booking again.",
            new()
            {
                ["Idempotency-Key"] = new("Makes a retry safe: 1 to 255 printable ASCII characters, kept per caller for 24 hours.", _ => Text(1, 255)),
            }),
        ["GET /api/appointments"] = new("listAppointments", "List my appointments",
            "The caller's own appointments, ordered by start, a page at a time: when there are more, the answer's `X-Next-Cursor` " +
            "is the `cursor` of the next page.",
            new()
            {
                ["status"] = new("Only appointments in this status.", d => new OpenApiSchemaReference(OpenApiSchemas.AppointmentStatusId, d)),
                ["from"] = new("Only those starting at or after this: a date `YYYY-MM-DD` (from the start of that day in the clinic's zone), or a date and time.", _ => DateOrDateTime()),
                ["to"] = new("Only those starting before this: a date `YYYY-MM-DD` (that whole day included), or a date and time.", _ => DateOrDateTime()),
                ["upcoming"] = new("`true`: only those starting from now on.", _ => new OpenApiSchema { Type = JsonSchemaType.Boolean }),
                ["limit"] = new("At most this many (default and maximum `Booking:MaxPageSize`).", null, MaxPageSize: true),
                ["cursor"] = new("The previous page's `X-Next-Cursor`.", _ => Text(1, null)),
            }),
        ["GET /api/appointments/{id}"] = new("getAppointment", "Read an appointment",
            "One appointment the caller may see (their own; a doctor's with them; any for an admin). Its `ETag` is what a change's `If-Match` sends back.",
            new() { ["id"] = new(Id) }),
        ["PUT /api/appointments/{id}"] = new("updateAppointment", "Change an appointment",
            "Changes any of the members sent, leaving the rest as they are: a new time or doctor (status becomes `rescheduled`), " +
            "slot, contact, reminder method, or status (cancel, un-cancel, record `completed`/`no_show`, as the caller's role allows). " +
            "The answer carries the appointment as it is now and its new `ETag`.",
            new() { ["id"] = new(Id), ["If-Match"] = new(IfMatch) }),
        ["DELETE /api/appointments/{id}"] = new("deleteAppointment", "Delete an appointment",
            "Deletes it and frees its time (the patient or an admin). Its history stays for admins.",
            new() { ["id"] = new(Id), ["If-Match"] = new(IfMatch) }),
        ["POST /api/appointments/{id}/cancel"] = new("cancelAppointment", "Cancel an appointment",
            "Cancels it and frees its time; the body and its `reason` are optional. The patient hears about it through their reminder method.",
            new() { ["id"] = new(Id), ["If-Match"] = new(IfMatch) }),
        ["PUT /api/appointments/{id}/reschedule"] = new("rescheduleAppointment", "Move an appointment to another time",
            "Moves it to `new_date_time` with the same doctor, under the same rules as a booking; status becomes `rescheduled`.",
            new() { ["id"] = new(Id), ["If-Match"] = new(IfMatch) }),
        ["GET /api/appointments/status/{id}"] = new("getAppointmentStatus", "Read an appointment's status",
            "Just the status, as the original service answered it.",
            new() { ["id"] = new(Id) }),
        ["GET /api/appointments/{id}/history"] = new("getAppointmentHistory", "Read an appointment's history",
            "Every create, change, cancel, outcome and delete of it, oldest first, with who did it and what changed.",
            new() { ["id"] = new(Id) }),
        ["PUT /api/doctors/{doctor}/schedule"] = new("saveSchedule", "Set a doctor's working hours",
            "Replaces the doctor's weekly hours, slot length and closed days (the doctor themself or an admin). From then on " +
            "bookings with them must fall inside these hours.",
            new() { ["doctor"] = new(DoctorPath), ["If-Match"] = new("Replace only this version: the `ETag` of `GET` the schedule.") }),
        ["GET /api/doctors/{doctor}/schedule"] = new("getSchedule", "Read a doctor's working hours",
            "The doctor's schedule, with the clinic's time zone its hours are in; 404 when they have none.",
            new() { ["doctor"] = new(DoctorPath) }),
        ["GET /api/doctors/{doctor}/slots"] = new("listDoctorSlots", "List a doctor's free slots",
            "The doctor's free slots from `from` to `to` (both included, at most 31 days), ordered. Each is complete enough to " +
            "book: send its `date_time` back. A listed slot is a hint: someone else may book it first (409 `doctor_booked`).",
            new()
            {
                ["doctor"] = new(DoctorPath),
                ["from"] = new("The first day, `YYYY-MM-DD` in the clinic's zone.", _ => Date(), Required: true),
                ["to"] = new("The last day, included, at most 31 days after `from`.", _ => Date(), Required: true),
                ["visit_type"] = new(VisitTypeQuery, _ => VisitCode()),
            }),
        ["GET /api/doctors/{doctor}/appointments"] = new("getDoctorAgenda", "Read a doctor's agenda",
            "The doctor's appointments on one `date`, or from `from` to `to` (both included, at most 31 days), ordered by start " +
            "(the doctor themself or an admin). Give either `date`, or `from` and `to`.",
            new()
            {
                ["doctor"] = new(DoctorPath),
                ["date"] = new("The day, `YYYY-MM-DD` in the clinic's zone.", _ => Date()),
                ["from"] = new("The first day, with `to` instead of `date`.", _ => Date()),
                ["to"] = new("The last day, included, with `from`.", _ => Date()),
            }),
        ["GET /api/doctors"] = new("listDoctors", "List the clinic's doctors",
            "Every doctor with a schedule, with their slot length, the clinic's time zone and their first free slot within 31 days.",
            new()),
        ["GET /api/slots"] = new("findFreeSlots", "Find the first free slots across doctors",
            "Free slots of every doctor with a schedule from `from` to `to` (both included, at most 7 days), ordered by start, each " +
            "naming its doctor: the first-available search.",
            new()
            {
                ["from"] = new("The first day, `YYYY-MM-DD` in the clinic's zone.", _ => Date(), Required: true),
                ["to"] = new("The last day, included, at most 7 days after `from`.", _ => Date(), Required: true),
                ["visit_type"] = new($"{VisitTypeQuery} Only doctors who offer it are searched.", _ => VisitCode()),
            }),
        ["POST /api/waitlist"] = new("joinWaitlist", "Wait for a doctor's time to free up",
            "Adds the caller (an admin may name the patient in `username`) to the doctor's waitlist for the clinic-local days " +
            "`from` to `to`. When time that suits frees up, the oldest entry that fits is offered it and the time is held for that " +
            "patient for `Waitlist:Hold`; they hear through `reminder_method`. At most 5 waiting entries per patient.",
            new()),
        ["GET /api/waitlist"] = new("listWaitlist", "List waitlist entries",
            "The caller's own entries, oldest first; with `doctor`, that doctor's waiting and offered entries, for admins and the doctor.",
            new() { ["doctor"] = new("Admins and the doctor: that doctor's waitlist, oldest first.") }),
        ["DELETE /api/waitlist/{id}"] = new("leaveWaitlist", "Leave the waitlist",
            "Ends the entry (its patient, or an admin); time held for it goes to the next one waiting.",
            new() { ["id"] = new(WaitlistId) }),
        ["POST /api/waitlist/{id}/accept"] = new("acceptWaitlistOffer", "Book the time offered",
            "Books the time held for the caller's entry, under every rule a booking follows; answers as a booking does. After " +
            "`expires_at` it is `409 offer_expired`.",
            new() { ["id"] = new(WaitlistId) }),
        ["POST /api/waitlist/{id}/decline"] = new("declineWaitlistOffer", "Turn the offered time down",
            "The entry waits on for other times; the time goes to the next entry that fits, or becomes free.",
            new() { ["id"] = new(WaitlistId) }),
        ["GET /fhir/Appointment/{id}"] = new("readFhirAppointment", "Read an appointment as a FHIR R4 Appointment",
            "The same appointment as `GET /api/appointments/{id}`, as an R4 `Appointment`, under the same visibility rules.",
            new() { ["id"] = new("The appointment's id.") }),
        ["GET /fhir/Appointment"] = new("searchFhirAppointments", "Search appointments as a FHIR searchset",
            "The caller's appointments (a doctor's: theirs; an admin's: any, narrowed by `patient` or `practitioner`) starting in " +
            "the `date` range, as a `Bundle` of type `searchset`.",
            new()
            {
                ["date"] = new("The range, twice: `ge` and a date or dateTime, and `lt` and one (`date=ge2027-01-01&date=lt2027-02-01`).", _ => Prefixed(), Required: true),
                ["patient"] = new("Admins: only this patient's, `Patient/{username}` or the bare username."),
                ["practitioner"] = new("Admins: only this doctor's, `Practitioner/{doctor}` or the bare id."),
            }),
        ["GET /fhir/Slot"] = new("searchFhirSlots", "Search a doctor's free slots as FHIR Slots",
            "The doctor's free slots starting in the `start` range, as R4 `Slot`s (`status: free`) in a `searchset` `Bundle`.",
            new()
            {
                ["schedule"] = new("The doctor's schedule, `Schedule/{doctor}`.", _ => Text(1, null), Required: true),
                ["start"] = new("The range, twice: `ge` and a date or dateTime, and `lt` and one (`start=ge2027-01-01&start=lt2027-01-08`).", _ => Prefixed(), Required: true),
                ["service-type"] = new($"{VisitTypeQuery} Each slot names it as its `serviceType`.", _ => VisitCode()),
            }),
    };

    /// <summary>Names, describes and types every operation and parameter the table knows.</summary>
    public static void Describe(OpenApiDocument document, IServiceProvider services)
    {
        var maxPageSize = services.GetRequiredService<IOptions<BookingOptions>>().Value.MaxPageSize;
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (!Operations.TryGetValue($"{method.Method} {path}", out var described))
                {
                    continue;
                }

                operation.OperationId = described.Id;
                operation.Summary = described.Summary;
                operation.Description = described.Description;
                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    if (described.Parameters.TryGetValue(parameter.Name ?? "", out var about))
                    {
                        parameter.Description = about.Description;
                        parameter.Required = parameter.Required || about.Required;
                        parameter.Schema = about.MaxPageSize ? Integer(1, maxPageSize) : about.Schema?.Invoke(document) ?? parameter.Schema;
                    }
                }
            }
        }
    }

    private static OpenApiSchema VisitCode() => new() { Type = JsonSchemaType.String, Pattern = VisitType.CodePattern };

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    /// <summary>
    /// A date (a whole day) or a date and time, as <c>date_time</c> is read. A pattern rather than <c>anyOf</c> of the
    /// two formats, which generators turn into an empty class instead of a string.
    /// </summary>
    private static OpenApiSchema DateOrDateTime() => new()
    {
        Type = JsonSchemaType.String,
        Pattern = @"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$",
    };

    /// <summary>A FHIR search value: a comparison prefix (<c>ge</c>, <c>lt</c>) and a date or dateTime, given twice.</summary>
    private static OpenApiSchema Prefixed() => new()
    {
        Type = JsonSchemaType.Array,
        MinItems = 2,
        MaxItems = 2,
        Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(ge|lt)[0-9]{4}-[0-9]{2}-[0-9]{2}" },
    };

    private static OpenApiSchema Integer(int minimum, int maximum) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static OpenApiSchema Text(int minLength, int? maxLength) => new() { Type = JsonSchemaType.String, MinLength = minLength, MaxLength = maxLength };

    private sealed record Operation(string Id, string Summary, string Description, Dictionary<string, Parameter> Parameters);

    /// <param name="Schema">What the parameter takes, when more than the generated <c>string</c>.</param>
    /// <param name="MaxPageSize">An integer from 1 to <c>Booking:MaxPageSize</c>.</param>
    private sealed record Parameter(string Description, Func<OpenApiDocument, IOpenApiSchema>? Schema = null, bool Required = false, bool MaxPageSize = false);
}
