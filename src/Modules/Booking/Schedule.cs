using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Appointments.Booking;

/// <summary>
/// A doctor's working hours: weekly windows of clinic-local wall-clock time, a slot length, and closed dates.
/// Wall-clock hours stay put across daylight saving changes, and this is the only place that turns them into
/// instants: a window opens at 09:00 local on either side of a change; a local time the clocks skip has no slot,
/// and one they repeat is taken at its first occurrence, as <see cref="Clinic.Read"/> reads it.
/// </summary>
internal sealed record Schedule(
    [property: JsonPropertyName("slot_minutes")] int SlotMinutes,
    [property: JsonPropertyName("weekly")] IReadOnlyDictionary<string, IReadOnlyList<Window>> Weekly,
    [property: JsonPropertyName("closed")] IReadOnlyList<DateOnly> Closed)
{
    public const int MinSlotMinutes = 5;
    public const int MaxSlotMinutes = 480;
    public const int MaxVisitTypes = 20;
    public const int MaxBufferMinutes = 120;

    /// <summary>Kinds of visit with their own length (a new patient's 40 minutes, a follow-up's 20), booked by code.</summary>
    [JsonPropertyName("visit_types")]
    public IReadOnlyList<VisitType> VisitTypes { get; init; } = [];

    /// <summary>Minutes kept free after every appointment of the doctor (notes, cleaning), on top of its own length.</summary>
    [JsonPropertyName("buffer_minutes")]
    public int BufferMinutes { get; init; }

    /// <summary>The visit type named <paramref name="code"/>, or null when the schedule has none such.</summary>
    public VisitType? VisitTypeOf(string code) => VisitTypes.FirstOrDefault(v => v.Code == code);

    /// <summary>The day names a schedule uses, indexed by <see cref="DayOfWeek"/>.</summary>
    public static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>The windows of <paramref name="day"/>, ordered: none on a closed date or a day the doctor does not work.</summary>
    public IReadOnlyList<Window> On(DateOnly day) =>
        Closed.Contains(day) || !Weekly.TryGetValue(Days[(int)day.DayOfWeek], out var windows) ? [] : windows;

    /// <summary>Whether [<paramref name="startUtc"/>, <paramref name="endUtc"/>) lies wholly inside one window of its local day.</summary>
    public bool Covers(DateTimeOffset startUtc, DateTimeOffset endUtc, TimeZoneInfo zone)
    {
        var day = DayOf(startUtc, zone);
        return HasHours(day) && On(day).Any(w => Instant(day, w.Start, zone) <= startUtc && endUtc <= Instant(day, w.End, zone));
    }

    /// <summary>
    /// The slots of <paramref name="day"/>'s grid, in order: window start + k × <see cref="SlotMinutes"/> in wall-clock
    /// time, wholly inside the window. A grid time the clocks skip has none; a slot is kept only if its real length
    /// fits before the next grid time, so slots never overlap, even across a change; and each lies inside its window
    /// as <see cref="Covers"/> sees it, so each can be booked.
    /// </summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Grid(DateOnly day, TimeZoneInfo zone) => Grid(day, zone, SlotMinutes);

    /// <summary>
    /// Visits of <paramref name="minutes"/> starting on <paramref name="day"/>'s grid (window start + k ×
    /// <see cref="SlotMinutes"/>), each wholly inside its window in real time, so each can be booked; a grid time the
    /// clocks skip starts none. A visit of one slot's length also ends by the next grid time, so slots never overlap;
    /// visits of another length overlap each other anyway, so across a change they need only end by the window's end.
    /// </summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Grid(DateOnly day, TimeZoneInfo zone, int minutes)
    {
        if (!HasHours(day))
        {
            yield break;
        }

        foreach (var window in On(day))
        {
            for (var minute = window.Start; minute < window.End; minute += SlotMinutes)
            {
                var endBy = minutes == SlotMinutes ? minute + minutes : window.End;
                if (endBy > window.End || zone.IsInvalidTime(Local(day, minute)))
                {
                    continue;
                }

                var start = Instant(day, minute, zone);
                var end = start.AddMinutes(minutes);
                if (end <= Instant(day, endBy, zone))
                {
                    yield return (start, end);
                }
            }
        }
    }

    /// <summary>The clinic-local date of an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset utc, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, zone).DateTime);

    // The first and last representable days have no hours: their wall-clock times may name instants out of range.
    private static bool HasHours(DateOnly day) => day > DateOnly.MinValue && day < DateOnly.MaxValue;

    private static DateTime Local(DateOnly day, int minute) => day.ToDateTime(TimeOnly.MinValue).AddMinutes(minute);

    /// <summary>
    /// The instant of a wall-clock time: a repeated one is its first occurrence; a skipped one is the moment the clocks
    /// jump, the first valid minute after it. So later wall-clock times never give earlier instants.
    /// </summary>
    private static DateTimeOffset Instant(DateOnly day, int minute, TimeZoneInfo zone)
    {
        var local = Local(day, minute);
        for (var step = 0; step < MaxSkippedMinutes && zone.IsInvalidTime(local); step++)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    // Clocks have skipped at most a day (Samoa, 2011-12-30).
    private const int MaxSkippedMinutes = 25 * 60;
}

/// <summary>A kind of visit and how long it lasts.</summary>
internal sealed partial record VisitType(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("minutes")] int Minutes)
{
    /// <summary>What a code may be, as an error message says it.</summary>
    public const string CodeRule = "1 to 64 characters of a-z, 0-9 and -";

    /// <summary>A code as a JSON Schema pattern, for the OpenAPI document.</summary>
    public const string CodePattern = "^" + CodeCharacters + "$";

    private const string CodeCharacters = "[a-z0-9-]{1,64}";

    public static bool IsCode(string text) => CodeExpression().IsMatch(text);

    [GeneratedRegex("^" + CodeCharacters + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodeExpression();
}

/// <summary>A span of a working day in minutes after local midnight: [Start, End), End at most 24:00.</summary>
internal sealed record Window(
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End)
{
    public const int DayMinutes = 24 * 60;
}
