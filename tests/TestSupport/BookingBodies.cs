using System.Globalization;

namespace Appointments.TestSupport;

/// <summary>Booking requests as the original service's clients send them, for every test that books over HTTP.</summary>
public static class BookingBodies
{
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>A booking with every contact member set, reminded by email.</summary>
    public static Dictionary<string, object?> For(string doctor, string dateTime, string? slot = null) => new()
    {
        ["doctor"] = doctor,
        ["date_time"] = dateTime,
        ["slot"] = slot,
        ["email"] = "patient@example.com",
        ["phone"] = "+15555550100",
        ["reminder_method"] = "email",
    };

    /// <summary><paramref name="time"/> (<c>HH:mm</c>) on the day <paramref name="days"/> after <paramref name="from"/>, as <c>date_time</c>.</summary>
    public static string At(DateTimeOffset from, int days, string time) =>
        from.UtcDateTime.Date.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + $" {time}:00";

    /// <summary>An instant as <c>date_time</c> in a clinic whose zone is UTC.</summary>
    public static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);
}
