using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Api;

/// <summary>The headers the appointments API reads and writes besides the standard ones.</summary>
internal static class Headers
{
    public const string NextCursor = "X-Next-Cursor";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string IdempotentReplayed = "Idempotent-Replayed";

    /// <summary>
    /// The caller's <c>Idempotency-Key</c>, or null without one. An empty header is none: generated clients send an
    /// optional header empty when it is not given.
    /// </summary>
    public static string? IdempotencyKeyOf(string? header) => string.IsNullOrEmpty(header) ? null : header;

    /// <summary>An <c>Idempotency-Key</c> is 1 to 255 printable ASCII characters.</summary>
    public static BookingError? RefuseIdempotencyKey(string? key) =>
        key is not null && (key.Length > 255 || !key.All(c => c is >= ' ' and <= '~'))
            ? BookingError.Invalid(IdempotencyKey, "must be 1 to 255 printable ASCII characters")
            : null;

    /// <summary>
    /// The caller's <c>If-Match</c>, or null without one (an empty header is none, as generated clients send an optional
    /// header they were not given). One that cannot be parsed matches nothing.
    /// </summary>
    public static ETagCondition? IfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var tags = EntityTagHeaderValue.TryParseList([header], out var parsed) ? parsed : [];
        return new ETagCondition(tags.Select(tag => tag.Equals(EntityTagHeaderValue.Any) ? "*" : tag.Tag.ToString().Trim('"')).ToList());
    }
}
