using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Appointments.Booking.Api;

/// <summary>
/// What the generated schemas of Booking's documents and request bodies cannot say by themselves: what each member
/// means, its format and limits, the allowed values of <c>status</c> and <c>reminder_method</c>, and which optional
/// members of a request may be <c>null</c> (only those that <c>null</c> clears). Numbers are written and read as JSON
/// numbers only, so an integer is an integer, not "integer or string".
/// </summary>
internal static class OpenApiSchemas
{
    public const string AppointmentStatusId = "AppointmentStatus";
    public const string ReminderMethodId = "ReminderMethod";

    /// <summary>
    /// A schedule's window. Written here rather than generated: once <c>weekly</c> names its days, the framework no
    /// longer counts its own reference to the generated schema and leaves that schema out of the document.
    /// </summary>
    public const string TimeWindowId = "TimeWindow";

    /// <summary>A visit type, generated once and then written inline wherever else it appears; referenced everywhere instead.</summary>
    private const string VisitTypeId = "VisitTypeDocument";

    private const string Doctor = "The doctor's id: 1 to 128 letters, digits or `-_.:@`.";
    private const string Slot = "A label for the booked slot (1 to 128 letters, digits or `-_.:@`): one active appointment of a doctor holds it at a time.";
    private const string Email = "Where email notices and the reminder go; at most 254 characters.";
    private const string Phone = "Where SMS notices and the reminder go: E.164, `+` and 8 to 15 digits.";
    private const string Duration = "How long the visit lasts, in minutes.";
    private const string LocalDateTime = "`YYYY-MM-DD HH:MM:SS` in the clinic's time zone.";
    private const string WithOffset = "ISO 8601 with the clinic's offset at that instant.";
    private const string InputDateTime =
        "`YYYY-MM-DD HH:MM:SS` in the clinic's time zone; a `T` for the space, no seconds, or an offset (`Z`, `+01:00`) also do. " +
        "A slot's `date_time` sent back books exactly that slot.";

    /// <summary>Per schema, per member: its description and what to change in its schema.</summary>
    private static readonly Dictionary<string, Dictionary<string, Member>> Members = new(StringComparer.Ordinal)
    {
        ["AppointmentDocument"] = new(StringComparer.Ordinal)
        {
            ["_id"] = new("The appointment's id."),
            ["username"] = new("The patient's username (their token's `sub`)."),
            ["doctor"] = new(Doctor),
            ["date_time"] = new($"The start, {LocalDateTime}", Pattern: @"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"),
            ["slot"] = new(Slot),
            ["status"] = new("Where the appointment stands.", Ref: AppointmentStatusId),
            ["email"] = new(Email),
            ["phone"] = new(Phone),
            ["reminder_method"] = new("How the patient hears about changes and the reminder.", Ref: ReminderMethodId),
            ["duration_minutes"] = new(Duration, Minimum: 5, Maximum: 480),
            ["visit_type"] = new("The doctor's visit type it was booked as (its code); null if none."),
            ["start"] = new($"The start, {WithOffset}", Format: "date-time"),
            ["end"] = new($"The end (start + duration), {WithOffset}", Format: "date-time"),
            ["created_at"] = new("When it was booked."),
            ["updated_at"] = new("When it last changed."),
            ["cancellation"] = new("Who cancelled it, when and why; null unless it was cancelled."),
            ["reminder"] = new("How the reminder for the current start went; null until one is due, and always for the doctor."),
            ["notices"] = new("The notices sent about its changes; absent for the doctor.", Optional: true),
        },
        ["CreateAppointmentRequest"] = new(StringComparer.Ordinal)
        {
            ["doctor"] = new(Doctor, NotNull: true),
            ["date_time"] = new($"The start: {InputDateTime}", NotNull: true),
            ["slot"] = new(Slot),
            ["email"] = new($"{Email} Without it, the patient's profile's."),
            ["phone"] = new($"{Phone} Without it, the patient's profile's.", Pattern: @"^\+[0-9]{8,15}$"),
            ["reminder_method"] = new("How the patient hears about changes and the reminder; `email` when not given.", Ref: ReminderMethodId),
            ["duration_minutes"] = new(
                $"{Duration} Without it: the doctor's `slot_minutes` when they have a schedule, else `Booking:DefaultDuration` (30).",
                NotNull: true, Minimum: 5, Maximum: 480),
            ["visit_type"] = new(
                "One of the doctor's visit types (its code): the visit lasts its minutes, and a `duration_minutes` that disagrees is refused.",
                NotNull: true, Pattern: VisitType.CodePattern),
            ["username"] = new("Admins only: the patient to book for (their username). Anyone else always books for themselves, and this is ignored.", NotNull: true),
        },
        ["UpdateAppointmentRequest"] = new(StringComparer.Ordinal)
        {
            ["doctor"] = new($"Move it to this doctor. {Doctor}", NotNull: true),
            ["date_time"] = new($"Move it to this start: {InputDateTime}", NotNull: true),
            ["slot"] = new($"{Slot} `null` or empty removes it."),
            ["status"] = new("The new status, as the caller's role allows (the table in the document's description).", Ref: AppointmentStatusId),
            ["email"] = new($"{Email} `null` or empty removes it."),
            ["phone"] = new($"{Phone} `null` or empty removes it."),
            ["reminder_method"] = new("How the patient hears about changes and the reminder.", Ref: ReminderMethodId),
            ["duration_minutes"] = new(Duration, NotNull: true, Minimum: 5, Maximum: 480),
        },
        ["RescheduleRequest"] = new(StringComparer.Ordinal) { ["new_date_time"] = new($"The new start: {InputDateTime}") },
        ["CancelRequest"] = new(StringComparer.Ordinal) { ["reason"] = new("Why, at most 500 characters; shown on the appointment and in the cancellation email.", MaxLength: 500) },
        ["Cancellation"] = new(StringComparer.Ordinal)
        {
            ["reason"] = new("The reason given, if any."),
            ["by"] = new("Who cancelled it (username)."),
            ["role"] = new("Their role then: `patient`, `doctor` or `admin`."),
            ["at"] = new("When."),
        },
        ["ReminderDocument"] = new(StringComparer.Ordinal)
        {
            ["status"] = new("`sending`, `retrying`, `sent`, `failed` or `suppressed`."),
            ["attempts"] = new("Sends tried so far.", Minimum: 0),
            ["sent_at"] = new("When it went out; null until then."),
            ["last_error"] = new("Why the last try failed; null if none did."),
        },
        ["NoticeDocument"] = new(StringComparer.Ordinal)
        {
            ["kind"] = new("`confirmation`, `rescheduled` or `cancelled`."),
            ["status"] = new("`sending`, `retrying`, `sent`, `failed` or `suppressed` (e.g. over `Notices:MaxPerRecipientPerDay`)."),
            ["sent_at"] = new("When it went out; null until then."),
        },
        ["ChangedResponse"] = new(StringComparer.Ordinal)
        {
            ["message"] = new("The original service's words."),
            ["appointment"] = new("The appointment as it is now; its version is in the answer's `ETag`."),
        },
        ["CreatedResponse"] = new(StringComparer.Ordinal)
        {
            ["message"] = new("The original service's words."),
            ["_id"] = new("The new appointment's id."),
            ["appointment"] = new("The new appointment; its version is in the answer's `ETag`."),
        },
        ["MessageResponse"] = new(StringComparer.Ordinal) { ["message"] = new("The original service's words.") },
        ["StatusResponse"] = new(StringComparer.Ordinal) { ["status"] = new("Where the appointment stands.", Ref: AppointmentStatusId) },
        ["HistoryEntry"] = new(StringComparer.Ordinal)
        {
            ["at"] = new("When it happened."),
            ["actor"] = new("Who did it (username)."),
            ["role"] = new("Their role then."),
            ["action"] = new("`create`, `change`, `cancel`, `uncancel`, `outcome` or `delete`."),
            ["changes"] = new("Per field, `[old, new]`; contact fields are `\"changed\"`, not their values."),
        },
        ["ScheduleDocument"] = new(StringComparer.Ordinal)
        {
            ["slot_minutes"] = new("Every slot's length, 5 to 480 minutes.", Minimum: 5, Maximum: 480),
            ["weekly"] = new("The working hours per day of the week, monday to sunday, in `HH:MM` of the clinic's zone; a day left out is not worked.", Days: true),
            ["closed"] = new("Days without any hours, `YYYY-MM-DD`.", ItemFormat: "date"),
            ["visit_types"] = new(
                "The kinds of visit the doctor offers, each with its own length (at most 20, codes unique); none by default.", ItemsRef: VisitTypeId),
            ["buffer_minutes"] = new("Minutes kept free after every appointment of the doctor, 0 (the default) to 120.", Minimum: 0, Maximum: 120),
            ["time_zone"] = new("The clinic's IANA time zone, in which all hours are (read-only: ignored when sent)."),
        },
        [TimeWindowId] = new(StringComparer.Ordinal)
        {
            ["start"] = new("Opens at `HH:MM`.", Pattern: "^[0-9]{2}:[0-9]{2}$"),
            ["end"] = new("Closes at `HH:MM` (after start; `24:00` for midnight).", Pattern: "^[0-9]{2}:[0-9]{2}$"),
        },
        ["SlotDocument"] = new(StringComparer.Ordinal)
        {
            ["start"] = new($"The start, {WithOffset}", Format: "date-time"),
            ["end"] = new($"The end, {WithOffset}", Format: "date-time"),
            ["date_time"] = new($"The start, {LocalDateTime} Send it back as a booking's `date_time`.", Pattern: @"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"),
            ["duration_minutes"] = new("The slot's length: a booking of it without `duration_minutes` lasts exactly this.", Minimum: 5, Maximum: 480),
            ["doctor"] = new("Whose slot it is (in the first-available search only)."),
        },
        [VisitTypeId] = new(StringComparer.Ordinal)
        {
            ["code"] = new("What a booking or a slot search names it by: 1 to 64 characters of `a-z`, `0-9` and `-`.", Pattern: VisitType.CodePattern),
            ["minutes"] = new("How long such a visit lasts, 5 to 480 minutes.", Minimum: 5, Maximum: 480),
        },
        ["DirectoryDocument"] = new(StringComparer.Ordinal)
        {
            ["doctor"] = new(Doctor),
            ["slot_minutes"] = new("The length of the doctor's slots.", Minimum: 5, Maximum: 480),
            ["visit_types"] = new("The kinds of visit the doctor offers, each with its length."),
            ["time_zone"] = new("The clinic's IANA time zone."),
            ["next_free"] = new("The doctor's first free slot within 31 days; null if there is none."),
        },
        ["FhirResource"] = new(StringComparer.Ordinal)
        {
            ["resourceType"] = new("`Appointment`, `Bundle` (a `searchset`), `Slot`, or for an error `OperationOutcome`; the other members are R4's."),
        },
    };

    /// <summary>Adds the shared schemas and describes every member of Booking's schemas.</summary>
    public static void Describe(OpenApiDocument document)
    {
        document.AddComponent<IOpenApiSchema>(AppointmentStatusId, Enum(
            "Where an appointment stands: `scheduled` → `rescheduled` (when its time or doctor moves) → `cancelled` | `completed` | `no_show`. " +
            "A cancelled one holds no time; `completed` and `no_show` are final.",
            AppointmentStatus.All));
        document.AddComponent<IOpenApiSchema>(ReminderMethodId, Enum(
            "How the patient hears about changes and the reminder: `email` needs an email address, `sms` an E.164 phone, `none` sends nothing.",
            ReminderMethods.All));

        document.AddComponent<IOpenApiSchema>(TimeWindowId, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A working window within one day.",
            Required = new HashSet<string>(["start", "end"], StringComparer.Ordinal),
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["start"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["end"] = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        });

        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (schema is not OpenApiSchema described || described.Properties is null)
            {
                continue;
            }

            foreach (var (property, value) in described.Properties.ToList())
            {
                var member = Members.GetValueOrDefault(name)?.GetValueOrDefault(property);
                described.Properties[property] = member is null ? WholeNumbers(value) : member.Apply(WholeNumbers(value), document);
                if (member?.Optional == true)
                {
                    described.Required?.Remove(property);
                }
            }
        }
    }

    /// <summary>Integers are JSON numbers: the generator's "integer or a string of digits" follows a reading this API never does.</summary>
    public static IOpenApiSchema WholeNumbers(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchema { Type: { } type } concrete && type.HasFlag(JsonSchemaType.Integer))
        {
            concrete.Type = type & ~JsonSchemaType.String;
            concrete.Pattern = null;
        }

        return schema;
    }

    public static OpenApiSchema Enum(string description, IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
    };

    /// <param name="NotNull">A request member that must not be <c>null</c> when sent (leaving it out is how it is left unset).</param>
    /// <param name="Days">A map of days: its members are the days of the week, monday to sunday, and no others.</param>
    /// <param name="Optional">A member of an answer that is sometimes left out.</param>
    /// <param name="ItemsRef">A list whose items are this shared schema.</param>
    private sealed record Member(
        string Description, string? Ref = null, string? Format = null, string? ItemFormat = null, string? Pattern = null,
        bool NotNull = false, int? Minimum = null, int? Maximum = null, int? MaxLength = null, bool Days = false, bool Optional = false,
        string? ItemsRef = null)
    {
        public IOpenApiSchema Apply(IOpenApiSchema schema, OpenApiDocument document)
        {
            if (Ref is not null)
            {
                // A $ref carries no siblings in the generated code; the shared schema says what the values mean.
                return new OpenApiSchemaReference(Ref, document) { Description = Description };
            }

            if (schema is not OpenApiSchema concrete)
            {
                return schema;
            }

            concrete.Description = Description;
            if (NotNull && concrete.Type is { } type)
            {
                concrete.Type = type & ~JsonSchemaType.Null;
            }

            concrete.Format = Format ?? concrete.Format;
            concrete.Pattern = Pattern ?? concrete.Pattern;
            concrete.Minimum = Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? concrete.Minimum;
            concrete.Maximum = Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? concrete.Maximum;
            concrete.MaxLength = MaxLength ?? concrete.MaxLength;
            if (ItemFormat is not null && concrete.Items is OpenApiSchema items)
            {
                items.Format = ItemFormat;
            }

            if (ItemsRef is not null)
            {
                concrete.Items = new OpenApiSchemaReference(ItemsRef, document);
            }

            if (Days)
            {
                concrete.Properties = Schedule.Days.Skip(1).Append(Schedule.Days[0]).ToDictionary(
                    day => day,
                    IOpenApiSchema (_) => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(TimeWindowId, document) },
                    StringComparer.Ordinal);
                concrete.AdditionalProperties = null;
                concrete.AdditionalPropertiesAllowed = false;
            }

            return concrete;
        }
    }
}
