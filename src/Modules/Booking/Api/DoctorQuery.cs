using System.Globalization;
using System.Text.RegularExpressions;

namespace Appointments.Booking.Api;

/// <summary>What the <c>/api/doctors/{doctor}</c> routes read from the path and query: a doctor's name and dates.</summary>
internal static partial class DoctorQuery
{
    private static readonly string[] DateRule = ["is required as a date YYYY-MM-DD"];

    /// <summary>The path's doctor follows the rule of the <c>doctor</c> field, so it can only name a doctor one could book.</summary>
    public static BookingError? RefuseDoctor(string doctor) =>
        RequestFields.IsName(doctor) ? null : BookingError.Invalid("doctor", RequestFields.NameRule(1));

    /// <summary>A calendar date <c>YYYY-MM-DD</c> (ASCII digits, year 0001 to 9999), or null.</summary>
    public static DateOnly? ReadDate(string text) =>
        DatePattern().IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    /// <summary>The query's dates, each required; every bad one is reported against its name.</summary>
    public static (DateOnly[]? Dates, BookingError? Error) ReadDates(params (string Name, string? Text)[] fields)
    {
        var dates = fields.Select(f => ReadDate(f.Text ?? "")).ToArray();
        var errors = fields.Where((_, i) => dates[i] is null).ToDictionary(f => f.Name, _ => DateRule, StringComparer.Ordinal);
        return errors.Count > 0 ? (null, BookingError.Invalid(errors)) : (dates.Select(d => d!.Value).ToArray(), null);
    }

    /// <summary>A <c>visit_type</c> query value; empty is none.</summary>
    public static string? VisitType(string? text) => string.IsNullOrEmpty(text) ? null : text;

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
