using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>The clinic's clock and calendar: its time zone, how times are read and written, and "now".</summary>
internal sealed partial class Clinic(IOptions<BookingOptions> options, TimeProvider time)
{
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    // A day short of either end of the calendar: an accepted time's end (start + at most 8 hours), its time
    // cells and its local time in any zone stay representable, so no arithmetic on it can overflow.
    private static readonly DateTimeOffset EarliestTime = DateTimeOffset.MinValue.AddDays(1);
    private static readonly DateTimeOffset LatestTime = DateTimeOffset.MaxValue.AddDays(-1);

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public string Format(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, Zone).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).DateTime;

    /// <summary>
    /// Reads <c>YYYY-MM-DD HH:MM[:SS[.fff]]</c>, with a space or <c>T</c>, optionally followed by <c>Z</c> or
    /// <c>±HH:MM</c>. Without an offset the time is in the clinic's zone. Returns null for anything else,
    /// impossible dates, times skipped by a daylight-saving change, and times within a day of the calendar's ends
    /// (0001-01-01, 9999-12-31) included.
    /// </summary>
    public DateTimeOffset? Parse(string text)
    {
        var match = DateTimePattern().Match(text);
        if (!match.Success)
        {
            return null;
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
                return null;
            }

            if (offset.Length == 0 && Zone.IsInvalidTime(local))
            {
                return null;
            }

            var span = offset is "" or "Z" ? TimeSpan.Zero : new TimeSpan(Part("oh"), Part("om"), 0);
            var utc = offset.Length == 0
                ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, Zone), TimeSpan.Zero)
                : new DateTimeOffset(local, offset[0] == '-' ? -span : span).ToUniversalTime();
            return utc >= EarliestTime && utc <= LatestTime ? utc : null;
        }
        catch (ArgumentException)
        {
            // Out-of-range parts: February 30th, hour 25, an offset beyond ±14:00.
            return null;
        }
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[T ](?<h>[0-9]{2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:\.(?<f>[0-9]{1,7}))?)?(?<z>Z|[+-](?<oh>[0-9]{2}):(?<om>[0-9]{2}))?\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DateTimePattern();
}
