using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Appointments.Booking.Api;

/// <summary>
/// <c>GET /api/appointments</c>'s query: <c>status</c>, <c>from</c>, <c>to</c>, <c>limit</c> and an opaque
/// <c>cursor</c> (the <c>X-Next-Cursor</c> header of the previous page).
/// </summary>
internal sealed record ListQuery(
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "limit")] string? Limit,
    [FromQuery(Name = "cursor")] string? Cursor)
{
    public static string CursorAfter(PagePosition last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.StartTicks}:{last.Id}")));

    public (ListRequest? Request, BookingError? Error) Read(Clinic clinic, int maxLimit)
    {
        if (!string.IsNullOrEmpty(Status) && !AppointmentStatus.All.Contains(Status))
        {
            return (null, BookingError.Invalid("status", $"must be one of: {string.Join(", ", AppointmentStatus.All)}"));
        }

        var (from, fromError) = string.IsNullOrEmpty(From) ? (null, null) : clinic.Read(From, "from");
        var (to, toError) = string.IsNullOrEmpty(To) ? (null, null) : clinic.Read(To, "to");
        if ((fromError ?? toError) is { } invalid)
        {
            return (null, invalid);
        }

        var limit = maxLimit;
        if (!string.IsNullOrEmpty(Limit) && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            return (null, BookingError.Invalid("limit", $"must be a whole number from 1 to {maxLimit}"));
        }

        PagePosition? after = null;
        if (!string.IsNullOrEmpty(Cursor) && (after = ReadCursor(Cursor)) is null)
        {
            return (null, BookingError.Invalid("cursor", "is not a cursor this service gave out"));
        }

        return (new ListRequest(new ListFilter(string.IsNullOrEmpty(Status) ? null : Status, from, to), limit, after), null);
    }

    private static PagePosition? ReadCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new PagePosition(ticks, parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

internal sealed record ListRequest(ListFilter Filter, int Limit, PagePosition? After);
