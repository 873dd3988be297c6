using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appointments.Booking.Api;

/// <summary>
/// A schedule body read field by field, every problem reported against its field (<c>weekly.monday[1].end</c>):
/// <c>slot_minutes</c> 5–480; <c>weekly</c> days monday to sunday, each a list of <c>{"start", "end"}</c> windows
/// in <c>HH:MM</c>, start before end, not overlapping; <c>closed</c> dates <c>YYYY-MM-DD</c>.
/// </summary>
internal sealed partial class ScheduleFields
{
    public const int MaxWindowsPerDay = 48;
    public const int MaxClosedDates = 1000;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public static (Schedule? Schedule, BookingError? Error) Read(JsonElement body)
    {
        var fields = new ScheduleFields();
        if (body.ValueKind != JsonValueKind.Object)
        {
            fields.Add("body", "must be a JSON object");
            return (null, fields.ToError());
        }

        var slotMinutes = body.TryGetProperty("slot_minutes", out var slot) ? fields.SlotMinutes(slot) : fields.Missing<int>("slot_minutes");
        var weekly = body.TryGetProperty("weekly", out var days) ? fields.Weekly(days) : fields.Missing<Dictionary<string, IReadOnlyList<Window>>>("weekly");
        var closed = body.TryGetProperty("closed", out var dates) ? fields.Closed(dates) : [];
        var visitTypes = body.TryGetProperty("visit_types", out var types) ? fields.VisitTypes(types) : [];
        var buffer = body.TryGetProperty("buffer_minutes", out var minutes) ? fields.BufferMinutes(minutes) : 0;
        return fields._errors.Count > 0
            ? (null, fields.ToError())
            : (new Schedule(slotMinutes, weekly!, closed!) { VisitTypes = visitTypes!, BufferMinutes = buffer }, null);
    }

    /// <summary><c>HH:MM</c> for a minute of the day, <c>24:00</c> for its end.</summary>
    public static string Format(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    private int SlotMinutes(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minutes) || minutes is < Schedule.MinSlotMinutes or > Schedule.MaxSlotMinutes)
        {
            Add("slot_minutes", $"must be a whole number from {Schedule.MinSlotMinutes} to {Schedule.MaxSlotMinutes}");
            return 0;
        }

        return minutes;
    }

    private Dictionary<string, IReadOnlyList<Window>>? Weekly(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Add("weekly", "must be an object of days, monday to sunday");
            return null;
        }

        var weekly = new Dictionary<string, IReadOnlyList<Window>>(StringComparer.Ordinal);
        foreach (var day in value.EnumerateObject())
        {
            var name = Text(() => day.Name);
            var field = name is null ? "weekly" : $"weekly.{name}";
            if (name is null || !Schedule.Days.Contains(name, StringComparer.Ordinal))
            {
                Add(field, "is not a day: use monday to sunday");
            }
            else if (weekly.ContainsKey(name))
            {
                Add(field, "appears more than once");
            }
            else if (Windows(day.Value, field) is { } windows)
            {
                weekly[name] = windows;
            }
        }

        return weekly;
    }

    private List<Window>? Windows(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(field, "must be a list of windows {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
            return null;
        }

        if (value.GetArrayLength() > MaxWindowsPerDay)
        {
            Add(field, $"has more than {MaxWindowsPerDay} windows");
            return null;
        }

        var windows = new List<Window>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Add(at, "must be an object with start and end");
                continue;
            }

            var start = Time(item, at, "start", lastMinute: Window.DayMinutes - 1);
            var end = Time(item, at, "end", lastMinute: Window.DayMinutes);
            if (start is null || end is null)
            {
                continue;
            }

            if (start >= end)
            {
                Add(at, "start must be before end");
                continue;
            }

            windows.Add(new Window(start.Value, end.Value));
        }

        windows.Sort((a, b) => a.Start.CompareTo(b.Start));
        if (windows.Zip(windows.Skip(1)).Any(pair => pair.First.End > pair.Second.Start))
        {
            Add(field, "has overlapping windows");
        }

        return windows;
    }

    private int? Time(JsonElement window, string at, string name, int lastMinute)
    {
        var text = window.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Text(value.GetString) ?? "" : "";
        if (TimePattern().Match(text) is { Success: true } match)
        {
            var (hours, minutes) = (int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture));
            if (minutes < 60 && (hours * 60) + minutes <= lastMinute)
            {
                return (hours * 60) + minutes;
            }
        }

        Add($"{at}.{name}", $"must be a time HH:MM from 00:00 to {Format(lastMinute)}");
        return null;
    }

    private List<VisitType>? VisitTypes(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > Schedule.MaxVisitTypes)
        {
            Add("visit_types", $"must be a list of at most {Schedule.MaxVisitTypes} visit types {{\"code\": \"new-patient\", \"minutes\": 40}}");
            return null;
        }

        var types = new List<VisitType>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"visit_types[{index++}]";
            var code = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? Text(c.GetString) : null;
            if (code is null || !VisitType.IsCode(code))
            {
                Add($"{at}.code", $"must be {VisitType.CodeRule}");
                continue;
            }

            if (!(item.TryGetProperty("minutes", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var minutes)
                && minutes is >= Schedule.MinSlotMinutes and <= Schedule.MaxSlotMinutes))
            {
                Add($"{at}.minutes", $"must be a whole number from {Schedule.MinSlotMinutes} to {Schedule.MaxSlotMinutes}");
                continue;
            }

            if (types.Any(t => t.Code == code))
            {
                Add($"{at}.code", "appears more than once");
                continue;
            }

            types.Add(new VisitType(code, minutes));
        }

        return types;
    }

    private int BufferMinutes(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minutes) || minutes is < 0 or > Schedule.MaxBufferMinutes)
        {
            Add("buffer_minutes", $"must be a whole number from 0 to {Schedule.MaxBufferMinutes}");
            return 0;
        }

        return minutes;
    }

    private List<DateOnly>? Closed(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Add("closed", "must be a list of dates YYYY-MM-DD");
            return null;
        }

        if (value.GetArrayLength() > MaxClosedDates)
        {
            Add("closed", $"has more than {MaxClosedDates} dates");
            return null;
        }

        var closed = new SortedSet<DateOnly>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"closed[{index++}]";
            if (item.ValueKind == JsonValueKind.String && DoctorQuery.ReadDate(Text(item.GetString) ?? "") is { } date)
            {
                closed.Add(date);
            }
            else
            {
                Add(at, "must be a date YYYY-MM-DD");
            }
        }

        return closed.ToList();
    }

    /// <summary>
    /// A JSON string, or null when it is not text: an escaped lone surrogate (<c>"\ud800"</c>) is valid JSON that no
    /// string can hold.
    /// </summary>
    private static string? Text(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private T? Missing<T>(string field)
    {
        Add(field, "is required");
        return default;
    }

    private void Add(string field, string problem)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(problem);
    }

    private BookingError ToError() => BookingError.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    [GeneratedRegex(@"^(?<h>[0-9]{2}):(?<m>[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();
}
