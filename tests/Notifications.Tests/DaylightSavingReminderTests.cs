using Appointments.Booking;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// A reminder across a daylight-saving change, with Booking's own schedule in a Europe/Berlin clinic: the
/// clocks go forward at 02:00 on 2031-03-30, so the day before a visit that morning has only 23 local hours.
/// </summary>
public sealed class DaylightSavingReminderTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2031, 3, 29, 7, 0, 0, TimeSpan.Zero));
    private readonly ScriptedChannel _email = new();
    private readonly ClinicHost _clinic;

    public DaylightSavingReminderTests()
    {
        _clinic = new ClinicHost(_clock, email: _email);
    }

    public void Dispose() => _clinic.Dispose();

    [Fact]
    public async Task A_visit_the_morning_the_clocks_go_forward_is_reminded_24_real_hours_ahead_in_local_time()
    {
        var visit = _clinic.Services.GetRequiredService<Clinic>().Parse("2031-03-30 10:00:00")!.Value;
        await _clinic.BookAsync("alice", visit);

        _clock.SetUtcNow(visit.AddHours(-24).AddMinutes(-1));
        await _clinic.ScanAsync();
        var sentEarly = _email.Sent.Count;
        _clock.SetUtcNow(visit.AddHours(-24).AddMinutes(1));
        await _clinic.ScanAsync();

        visit.Should().Be(new DateTimeOffset(2031, 3, 30, 8, 0, 0, TimeSpan.Zero), "10:00 summer time");
        sentEarly.Should().Be(0, "at 08:59 local on the 29th (winter time) the visit is still 24 hours and a minute away");
        _email.Sent.Should().ContainSingle().Which.Text.Should().Contain("2031-03-30 10:00 (Europe/Berlin)", "10:00 in summer time, the first morning of it");
    }
}
