using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Booking.Tests;

/// <summary>
/// Times are written for clients as the clinic's local time, with and without its offset: the same text a custom format
/// string gives, for any instant the clinic accepts, in zones east and west of UTC, with half hours and daylight saving.
/// </summary>
public sealed class ClinicTextTests
{
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Lord_Howe"];

    private static readonly Gen<DateTimeOffset> Instants =
        from days in Gen.Choose(1, 3_652_057)
        from seconds in Gen.Choose(0, 86_399)
        from ticks in Gen.OneOf(Gen.Constant(0), Gen.Choose(0, (int)TimeSpan.TicksPerSecond - 1))
        select new DateTimeOffset(days * TimeSpan.TicksPerDay + seconds * TimeSpan.TicksPerSecond + ticks, TimeSpan.Zero);

    [Fact]
    public void Local_times_are_written_as_their_format_strings_say()
    {
        var clinics = Zones.Select(zone => new Clinic(Options.Create(new BookingOptions { TimeZone = zone }), new FakeTimeProvider())).ToList();
        var cases = from clinic in Gen.Elements(clinics.ToArray()) from instant in Instants select (clinic, instant);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var local = TimeZoneInfo.ConvertTime(c.instant, c.clinic.Zone);
            return c.clinic.Format(c.instant) == local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                && c.clinic.FormatWithOffset(c.instant) == local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }));
    }

    [Theory]
    [InlineData("America/St_Johns", "2031-01-15T12:00:00Z", "2031-01-15 08:30:00", "2031-01-15T08:30:00-03:30")]
    [InlineData("Pacific/Kiritimati", "2031-01-15T12:00:00Z", "2031-01-16 02:00:00", "2031-01-16T02:00:00+14:00")]
    [InlineData("Europe/Berlin", "0999-06-01T00:00:00Z", "0999-06-01 00:54:00", "0999-06-01T00:54:00+00:54")]
    public void Far_offsets_and_early_years_keep_every_digit(string zone, string utc, string expected, string expectedWithOffset)
    {
        var clinic = new Clinic(Options.Create(new BookingOptions { TimeZone = zone }), new FakeTimeProvider());
        var instant = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture);
        clinic.Format(instant).Should().Be(expected);
        clinic.FormatWithOffset(instant).Should().Be(expectedWithOffset);
    }
}
