using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>The clinic's clock and calendar: its time zone, how times are read and written, and "now".</summary>
internal sealed partial class Clinic(IOptions<BookingOptions> options, TimeProvider time)
{
    // A day short of either end of the calendar: an accepted time's end (start + at most 8 hours), its time
    // cells and its local time in any zone stay representable, so no arithmetic on it can overflow.
    private static readonly DateTimeOffset EarliestTime = DateTimeOffset.MinValue.AddDays(1);
    private static readonly DateTimeOffset LatestTime = DateTimeOffset.MaxValue.AddDays(-1);

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public string Format(DateTimeOffset utc) => Text(TimeZoneInfo.ConvertTime(utc, Zone), withOffset: false);

    /// <summary>ISO 8601 with the clinic's offset at that instant, so no reader has to guess the zone.</summary>
    public string FormatWithOffset(DateTimeOffset utc) => Text(TimeZoneInfo.ConvertTime(utc, Zone), withOffset: true);

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss</c>, or ISO 8601 with the offset (<c>yyyy-MM-ddTHH:mm:sszzz</c>). Written from the
    /// sortable standard format, which has a fast path a custom format string lacks: every appointment answered is
    /// formatted three times.
    /// </summary>
    private static string Text(DateTimeOffset local, bool withOffset)
    {
        Span<char> text = stackalloc char[25];
        local.DateTime.TryFormat(text, out var length, "s", CultureInfo.InvariantCulture);
        if (!withOffset)
        {
            text[10] = ' ';
            return new string(text[..length]);
        }

        var minutes = (int)local.Offset.TotalMinutes;
        text[length] = minutes < 0 ? '-' : '+';
        minutes = Math.Abs(minutes);
        (text[length + 1], text[length + 2], text[length + 3]) = ((char)('0' + (minutes / 600)), (char)('0' + (minutes / 60 % 10)), ':');
        (text[length + 4], text[length + 5]) = ((char)('0' + (minutes % 60 / 10)), (char)('0' + (minutes % 10)));
        return new string(text[..(length + 6)]);
    }

    public DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).DateTime;

    /// <summary>The instant the request's <paramref name="field"/> names, or why not, told about that field.</summary>
    public (DateTimeOffset? Instant, BookingError? Error) Read(string text, string field) =>
        Read(text) is var (instant, error) && error is not null ? (null, error.About(field)) : (instant, null);

    /// <summary>The instant <paramref name="text"/> names, or null; see <see cref="Read"/>.</summary>
    public DateTimeOffset? Parse(string text) => Read(text).Instant;

    /// <summary>
    /// Reads <c>YYYY-MM-DD HH:MM[:SS[.fff]]</c>, with a space or <c>T</c>, optionally followed by <c>Z</c> or
    /// <c>±HH:MM</c>. Without an offset the time is in the clinic's zone: a local time the clocks skip is its own
    /// error, and one they repeat means its first occurrence. Anything else is an invalid date, times within a
    /// day of the calendar's ends (0001-01-01, 9999-12-31) included.
    /// </summary>
    public (DateTimeOffset? Instant, BookingError? Error) Read(string text)
    {
        var match = DateTimePattern().Match(text);
        if (!match.Success)
        {
            return (null, BookingError.InvalidDate);
        }

        try
        {
            int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
            var local = new DateTime(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), DateTimeKind.Unspecified);
            if (match.Groups["f"].Success)
            {
                local = local.AddTicks(long.Parse(match.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
            }

            var offset = match.Groups["z"].Value;
            if (Part("om") >= 60)
            {
                return (null, BookingError.InvalidDate);
            }

            if (offset.Length == 0)
            {
                return Zone.IsInvalidTime(local) ? (null, BookingError.SkippedTime) : WithinCalendar(FromLocal(local));
            }

            var span = offset == "Z" ? TimeSpan.Zero : new TimeSpan(Part("oh"), Part("om"), 0);
            return WithinCalendar(new DateTimeOffset(local, offset[0] == '-' ? -span : span).ToUniversalTime());
        }
        catch (ArgumentException)
        {
            // Out-of-range parts: February 30th, hour 25, an offset beyond ±14:00.
            return (null, BookingError.InvalidDate);
        }
    }

    private static (DateTimeOffset? Instant, BookingError? Error) WithinCalendar(DateTimeOffset utc) =>
        utc >= EarliestTime && utc <= LatestTime ? (utc, null) : (null, BookingError.InvalidDate);

    /// <summary>The first instant of a clinic-local day (its midnight, or the moment after the clocks skip it).</summary>
    public DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        for (var minute = 0; minute < 24 * 60 && Zone.IsInvalidTime(local); minute++)
        {
            local = local.AddMinutes(1);
        }

        return FromLocal(local);
    }

    /// <summary>A clinic-local time as an instant; a repeated local time is its first occurrence (the larger offset).</summary>
    private DateTimeOffset FromLocal(DateTime local)
    {
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[T ](?<h>[0-9]{2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:\.(?<f>[0-9]{1,7}))?)?(?<z>Z|[+-](?<oh>[0-9]{2}):(?<om>[0-9]{2}))?\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DateTimePattern();
}
