using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Appointments.Booking.Api;

/// <summary>
/// <c>GET /api/appointments</c>'s filters and paging: <c>status</c>, <c>from</c>, <c>to</c>, <c>limit</c> and an
/// opaque <c>cursor</c> (the <c>X-Next-Cursor</c> header of the previous page).
/// </summary>
internal sealed record ListQuery(string? Status, DateTimeOffset? From, DateTimeOffset? To, int Limit, (long Ticks, string Id)? After)
{
    /// <summary>The page, ordered by start then id, with one extra item when there are more.</summary>
    public IEnumerable<Appointment> Apply(IEnumerable<Appointment> appointments) => appointments
        .Where(a => Status is null || a.Status == Status)
        .Where(a => From is null || a.StartUtc >= From)
        .Where(a => To is null || a.StartUtc < To)
        .OrderBy(a => a.StartUtc).ThenBy(a => a.Id, StringComparer.Ordinal)
        .Where(a => After is not { } after
            || a.StartUtc.UtcTicks > after.Ticks
            || (a.StartUtc.UtcTicks == after.Ticks && string.CompareOrdinal(a.Id, after.Id) > 0))
        .Take(Limit + 1);

    public static string CursorAfter(Appointment last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.StartUtc.UtcTicks}:{last.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (ListQuery? Query, BookingError? Error) Read(IQueryCollection query, Clinic clinic, int maxLimit)
    {
        var status = query["status"].ToString();
        if (status.Length > 0 && !AppointmentStatus.All.Contains(status))
        {
            return (null, BookingError.Invalid("status", $"must be one of: {string.Join(", ", AppointmentStatus.All)}"));
        }

        DateTimeOffset? from = null, to = null;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            var text = query[name].ToString();
            if (text.Length == 0)
            {
                continue;
            }

            if (clinic.Parse(text) is not { } value)
            {
                return (null, BookingError.InvalidDate);
            }

            set(value);
        }

        var limit = maxLimit;
        var limitText = query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            return (null, BookingError.Invalid("limit", $"must be a whole number from 1 to {maxLimit}"));
        }

        (long, string)? after = null;
        var cursor = query["cursor"].ToString();
        if (cursor.Length > 0)
        {
            after = ReadCursor(cursor);
            if (after is null)
            {
                return (null, BookingError.Invalid("cursor", "is not a cursor this service gave out"));
            }
        }

        return (new ListQuery(status.Length > 0 ? status : null, from, to, limit, after), null);
    }

    private static (long, string)? ReadCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            var parts = text.Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? (ticks, parts[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
