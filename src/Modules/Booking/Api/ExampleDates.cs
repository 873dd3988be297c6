using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Api;

/// <summary>
/// The dates the OpenAPI examples are written in, taken from the clinic's clock each time the document is built, so
/// that an example is never in the past, never beyond the horizon and can be sent as it is: <see cref="Day"/> is a
/// Monday between one and two weeks ahead (a day the example schedule works).
/// </summary>
internal sealed class ExampleDates
{
    private readonly Clinic _clinic;

    private ExampleDates(Clinic clinic)
    {
        _clinic = clinic;
        Now = new DateTimeOffset(clinic.UtcNow.UtcDateTime.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(clinic.ToLocal(Now));
        var ahead = today.AddDays(7);
        Day = ahead.AddDays(((int)DayOfWeek.Monday - (int)ahead.DayOfWeek + 7) % 7);
    }

    /// <summary>The moment the document is built, to the minute.</summary>
    public DateTimeOffset Now { get; }

    public DateOnly Day { get; }

    /// <summary>The clinic's IANA time zone, in which every example time is written.</summary>
    public string TimeZone => _clinic.Zone.Id;

    public static ExampleDates Of(IServiceProvider services) => new(services.GetRequiredService<Clinic>());

    /// <summary><c>YYYY-MM-DD HH:MM:SS</c> in the clinic's zone, <paramref name="days"/> after <see cref="Day"/>.</summary>
    public string Local(string time, int days = 0) => _clinic.Format(At(time, days));

    /// <summary>ISO 8601 with the clinic's offset, <paramref name="days"/> after <see cref="Day"/>.</summary>
    public string WithOffset(string time, int days = 0) => _clinic.FormatWithOffset(At(time, days));

    /// <summary><c>YYYY-MM-DD</c>, <paramref name="days"/> after <see cref="Day"/>.</summary>
    public string Date(int days = 0) => Day.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An instant <paramref name="minutes"/> after (or, negative, before) <see cref="Now"/>, as timestamps are written.</summary>
    public string Stamp(int minutes) => Now.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private DateTimeOffset At(string time, int days) =>
        _clinic.Parse($"{Date(days)} {time}") ?? throw new InvalidOperationException($"{Date(days)} {time} is not a time in the clinic's zone.");
}
