using System.Text.Json;

namespace Appointments.Booking.Api;

/// <summary>
/// A request body read field by field, so every problem is reported against its field instead of
/// failing the whole model binding. Absent members stay unset; <c>null</c> clears an optional one.
/// The use cases get plain values from it: <see cref="ToNewAppointment"/>, <see cref="ToChanges"/>,
/// <see cref="ToNewStart"/>.
/// </summary>
internal sealed class RequestFields
{
    private const int MaxNameLength = 128;
    private const int MaxEmailLength = Contacts.MaxEmailLength;
    private const int MaxReasonLength = 500;

    private readonly Dictionary<string, List<string>> _errors = [];

    public Optional<string> Doctor { get; private set; }
    public Optional<string> DateTime { get; private set; }
    public Optional<string> NewDateTime { get; private set; }
    public Optional<string?> Slot { get; private set; }
    public Optional<string?> Email { get; private set; }
    public Optional<string?> Phone { get; private set; }
    public Optional<string> ReminderMethod { get; private set; }
    public Optional<string> Status { get; private set; }
    public Optional<int> DurationMinutes { get; private set; }
    public Optional<string> Username { get; private set; }
    public Optional<string> Reason { get; private set; }
    public Optional<string?> VisitType { get; private set; }
    public Optional<string> From { get; private set; }
    public Optional<string> To { get; private set; }

    public (NewAppointment? Request, BookingError? Error) ToNewAppointment(Clinic clinic)
    {
        Require(Doctor, "doctor");
        Require(DateTime, "date_time");
        if (_errors.Count > 0)
        {
            return (null, ToError());
        }

        var (start, invalid) = clinic.Read(DateTime.Value, "date_time");
        return start is null
            ? (null, invalid)
            : (new NewAppointment(Doctor.Value, start.Value)
            {
                DurationMinutes = DurationMinutes.IsSet ? DurationMinutes.Value : null,
                Slot = Slot.Or(null),
                Email = Email.Or(null),
                Phone = Phone.Or(null),
                ReminderMethod = ReminderMethod.OrNull(),
                Username = Username.OrNull(),
                VisitType = VisitType.Or(null),
            }, null);
    }

    public (AppointmentChanges? Changes, BookingError? Error) ToChanges(Clinic clinic)
    {
        if (_errors.Count > 0)
        {
            return (null, ToError());
        }

        var (start, invalid) = DateTime.IsSet ? clinic.Read(DateTime.Value, "date_time") : (null, null);
        if (invalid is not null)
        {
            return (null, invalid);
        }

        return (new AppointmentChanges
        {
            Doctor = Doctor.OrNull(),
            Start = start,
            DurationMinutes = DurationMinutes.IsSet ? DurationMinutes.Value : null,
            Slot = Slot,
            Email = Email,
            Phone = Phone,
            ReminderMethod = ReminderMethod.OrNull(),
            Status = Status.OrNull(),
        }, null);
    }

    /// <summary>The waitlist's <c>doctor</c>, <c>from</c> and <c>to</c> (dates), and the booking's optional fields.</summary>
    public (Waitlist.WaitlistRequest? Request, BookingError? Error) ToWaitlistRequest()
    {
        Require(Doctor, "doctor");
        var (from, to) = (DoctorQuery.ReadDate(From.OrNull() ?? ""), DoctorQuery.ReadDate(To.OrNull() ?? ""));
        foreach (var (name, date) in new[] { ("from", from), ("to", to) }.Where(d => d.Item2 is null && !_errors.ContainsKey(d.Item1)))
        {
            AddError(name, "is required as a date YYYY-MM-DD");
        }

        return _errors.Count > 0 ? (null, ToError()) : (new Waitlist.WaitlistRequest(Doctor.Value, from!.Value, to!.Value)
        {
            VisitType = VisitType.Or(null),
            Email = Email.Or(null),
            Phone = Phone.Or(null),
            ReminderMethod = ReminderMethod.OrNull(),
            Username = Username.OrNull(),
        }, null);
    }

    /// <summary>The cancel route's optional <c>reason</c>.</summary>
    public (string? Reason, BookingError? Error) ToCancelReason() =>
        _errors.Count > 0 ? (null, ToError()) : (Reason.OrNull(), null);

    /// <summary>The reschedule route's <c>new_date_time</c>.</summary>
    public (DateTimeOffset? Start, BookingError? Error) ToNewStart(Clinic clinic)
    {
        Require(NewDateTime, "new_date_time");
        if (_errors.Count > 0)
        {
            return (null, ToError());
        }

        return clinic.Read(NewDateTime.Value, "new_date_time");
    }

    private BookingError ToError() =>
        BookingError.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    private void Require<T>(Optional<T> field, string name)
    {
        if (!field.IsSet && !_errors.ContainsKey(name))
        {
            AddError(name, "is required");
        }
    }

    private void AddError(string field, string problem)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(problem);
    }

    public static RequestFields Read(JsonElement body)
    {
        var input = new RequestFields();
        if (body.ValueKind != JsonValueKind.Object)
        {
            input.AddError("body", "must be a JSON object");
            return input;
        }

        foreach (var member in body.EnumerateObject())
        {
            var value = member.Value;
            switch (member.Name)
            {
                case "doctor":
                    var doctor = input.Name(value, "doctor", allowEmpty: false);
                    input.Doctor = doctor.IsSet ? new Optional<string>(doctor.Value!) : default;
                    break;
                case "slot":
                    input.Slot = input.Name(value, "slot", allowEmpty: true);
                    break;
                case "date_time":
                    input.DateTime = input.Text(value, "date_time");
                    break;
                case "new_date_time":
                    input.NewDateTime = input.Text(value, "new_date_time");
                    break;
                case "email":
                    input.Email = input.Checked(value, "email", text =>
                        Contacts.IsEmail(text) ? null : $"must be a valid email address of at most {MaxEmailLength} characters");
                    break;
                case "phone":
                    input.Phone = input.Checked(value, "phone", text =>
                        Contacts.IsPhone(text) ? null : "must be an E.164 number: + and 8 to 15 digits");
                    break;
                case "reminder_method":
                    input.ReminderMethod = input.OneOf(value, "reminder_method", ReminderMethods.All);
                    break;
                case "status":
                    input.Status = input.OneOf(value, "status", AppointmentStatus.All);
                    break;
                case "duration_minutes":
                    input.DurationMinutes = input.Minutes(value);
                    break;
                case "username":
                    input.Username = input.Text(value, "username");
                    break;
                case "reason":
                    input.Reason = input.ReasonText(value);
                    break;
                case "from":
                    input.From = input.Text(value, "from");
                    break;
                case "to":
                    input.To = input.Text(value, "to");
                    break;
                case "visit_type":
                    input.VisitType = input.Checked(value, "visit_type", text => Booking.VisitType.IsCode(text) ? null : $"must be a visit type's code: {Booking.VisitType.CodeRule}");
                    break;
                default:
                    break;
            }
        }

        return input;
    }

    private Optional<string> Text(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            AddError(name, "must be a string");
            return default;
        }

        return new Optional<string>(value.GetString()!);
    }

    private Optional<string?> Name(JsonElement value, string name, bool allowEmpty)
    {
        if (allowEmpty && value.ValueKind == JsonValueKind.Null)
        {
            return new Optional<string?>(null);
        }

        var text = Text(value, name);
        if (!text.IsSet)
        {
            return default;
        }

        if (text.Value.Length > 0 ? !IsName(text.Value) : !allowEmpty)
        {
            AddError(name, NameRule(allowEmpty ? 0 : 1));
            return default;
        }

        return new Optional<string?>(text.Value.Length == 0 ? null : text.Value);
    }

    private Optional<string?> Checked(JsonElement value, string name, Func<string, string?> check)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new Optional<string?>(null);
        }

        var text = Text(value, name);
        if (!text.IsSet)
        {
            return default;
        }

        if (text.Value.Length == 0)
        {
            return new Optional<string?>(null);
        }

        var problem = check(text.Value);
        if (problem is not null)
        {
            AddError(name, problem);
            return default;
        }

        return new Optional<string?>(text.Value);
    }

    private Optional<string> OneOf(JsonElement value, string name, string[] allowed)
    {
        var text = Text(value, name);
        if (text.IsSet && !allowed.Contains(text.Value, StringComparer.Ordinal))
        {
            AddError(name, $"must be one of: {string.Join(", ", allowed)}");
            return default;
        }

        return text;
    }

    private Optional<string> ReasonText(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        var text = Text(value, "reason");
        if (text.IsSet && text.Value.Length > MaxReasonLength)
        {
            AddError("reason", $"must be at most {MaxReasonLength} characters");
            return default;
        }

        return text;
    }

    private Optional<int> Minutes(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minutes))
        {
            AddError("duration_minutes", "must be a whole number of minutes");
            return default;
        }

        if (minutes is < 5 or > Appointment.MaxMinutes)
        {
            AddError("duration_minutes", $"must be between 5 and {Appointment.MaxMinutes}");
            return default;
        }

        return new Optional<int>(minutes);
    }

    /// <summary>Doctor and slot names: 1 to 128 letters, digits or <c>-_.:@</c>, so they can stand in a state key.</summary>
    public static bool IsName(string text) => text.Length is > 0 and <= MaxNameLength && text.All(IsNameCharacter);

    public static string NameRule(int minimumLength) => $"must be {minimumLength} to {MaxNameLength} letters, digits or -_.:@";

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@';
}

internal static class OptionalText
{
    public static string? OrNull(this Optional<string> field) => field.IsSet ? field.Value : null;
}
