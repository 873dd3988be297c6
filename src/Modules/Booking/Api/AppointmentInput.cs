using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appointments.Booking.Api;

/// <summary>
/// A request body read field by field, so every problem is reported against its field instead of
/// failing the whole model binding. Absent members stay unset; <c>null</c> clears an optional one.
/// </summary>
internal sealed partial class AppointmentInput
{
    private const int MaxNameLength = 128;
    private const int MaxEmailLength = 254;

    private readonly Dictionary<string, List<string>> _errors = [];

    public Field<string> Doctor { get; private set; }
    public Field<string> DateTime { get; private set; }
    public Field<string> NewDateTime { get; private set; }
    public Field<string?> Slot { get; private set; }
    public Field<string?> Email { get; private set; }
    public Field<string?> Phone { get; private set; }
    public Field<string> ReminderMethod { get; private set; }
    public Field<string> Status { get; private set; }
    public Field<int> DurationMinutes { get; private set; }
    public Field<string> Username { get; private set; }

    public bool IsValid => _errors.Count == 0;

    public bool IsObject { get; private set; } = true;

    public BookingError ToError() =>
        BookingError.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    public void SetDateTime(string value) => DateTime = new Field<string>(value);

    public void SetStatus(string value) => Status = new Field<string>(value);

    public void Require<T>(Field<T> field, string name)
    {
        if (!field.IsSet && !_errors.ContainsKey(name))
        {
            AddError(name, "is required");
        }
    }

    public void AddError(string field, string problem)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(problem);
    }

    public static AppointmentInput Read(JsonElement body)
    {
        var input = new AppointmentInput();
        if (body.ValueKind != JsonValueKind.Object)
        {
            input.AddError("body", "must be a JSON object");
            input.IsObject = false;
            return input;
        }

        foreach (var member in body.EnumerateObject())
        {
            var value = member.Value;
            switch (member.Name)
            {
                case "doctor":
                    var doctor = input.Name(value, "doctor", allowEmpty: false);
                    input.Doctor = doctor.IsSet ? new Field<string>(doctor.Value!) : default;
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
                    input.Email = input.Optional(value, "email", text =>
                        text.Length <= MaxEmailLength && IsEmail(text) ? null : $"must be a valid email address of at most {MaxEmailLength} characters");
                    break;
                case "phone":
                    input.Phone = input.Optional(value, "phone", text =>
                        PhonePattern().IsMatch(text) ? null : "must be an E.164 number: + and 8 to 15 digits");
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
                default:
                    break;
            }
        }

        return input;
    }

    private Field<string> Text(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            AddError(name, "must be a string");
            return default;
        }

        return new Field<string>(value.GetString()!);
    }

    private Field<string?> Name(JsonElement value, string name, bool allowEmpty)
    {
        if (allowEmpty && value.ValueKind == JsonValueKind.Null)
        {
            return new Field<string?>(null);
        }

        var text = Text(value, name);
        if (!text.IsSet)
        {
            return default;
        }

        if ((text.Value.Length == 0 && !allowEmpty) || text.Value.Length > MaxNameLength || !text.Value.All(IsNameCharacter))
        {
            AddError(name, $"must be {(allowEmpty ? 0 : 1)} to {MaxNameLength} letters, digits or -_.:@");
            return default;
        }

        return new Field<string?>(text.Value.Length == 0 ? null : text.Value);
    }

    private Field<string?> Optional(JsonElement value, string name, Func<string, string?> check)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new Field<string?>(null);
        }

        var text = Text(value, name);
        if (!text.IsSet)
        {
            return default;
        }

        if (text.Value.Length == 0)
        {
            return new Field<string?>(null);
        }

        var problem = check(text.Value);
        if (problem is not null)
        {
            AddError(name, problem);
            return default;
        }

        return new Field<string?>(text.Value);
    }

    private Field<string> OneOf(JsonElement value, string name, string[] allowed)
    {
        var text = Text(value, name);
        if (text.IsSet && !allowed.Contains(text.Value, StringComparer.Ordinal))
        {
            AddError(name, $"must be one of: {string.Join(", ", allowed)}");
            return default;
        }

        return text;
    }

    private Field<int> Minutes(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minutes))
        {
            AddError("duration_minutes", "must be a whole number of minutes");
            return default;
        }

        if (minutes is < 5 or > 480)
        {
            AddError("duration_minutes", "must be between 5 and 480");
            return default;
        }

        return new Field<int>(minutes);
    }

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@';

    private static bool IsEmail(string text) =>
        EmailPattern().IsMatch(text) && MailAddress.TryCreate(text, out var address) && address.Address == text;

    [GeneratedRegex(@"^\+[0-9]{8,15}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailPattern();
}

/// <summary>A request member that may be absent (<see cref="IsSet"/> false) or present with a value.</summary>
internal readonly record struct Field<T>(T Value)
{
    public bool IsSet { get; } = true;

    public T Or(T fallback) => IsSet ? Value : fallback;
}
