using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Api;

/// <summary>The headers the appointments API reads and writes besides the standard ones.</summary>
internal static class Headers
{
    public const string NextCursor = "X-Next-Cursor";

    /// <summary>The caller's <c>If-Match</c>, or null without one. One that cannot be parsed matches nothing.</summary>
    public static ETagCondition? IfMatch(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var tags = EntityTagHeaderValue.TryParseList([header], out var parsed) ? parsed : [];
        return new ETagCondition(tags.Select(tag => tag.Equals(EntityTagHeaderValue.Any) ? "*" : tag.Tag.ToString().Trim('"')).ToList());
    }
}
