using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;

namespace Appointments.Notifications.Tests;

/// <summary>When reminders go out by themselves: the scan at start-up, then the timer's, or the cron binding's under Dapr.</summary>
public sealed class ReminderTimerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly TimerWatchingClock _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();

    [Fact]
    public async Task The_timer_scans_at_start_up_and_every_scan_interval_and_sends_each_reminder_at_the_first_scan_after_it_is_due()
    {
        using var clinic = new ClinicHost(_clock, settings: new Dictionary<string, string?>
            {
                ["Reminders:ScanInterval"] = "01:00:00",
                ["Retention:Interval"] = "05:00:00", // its timer would otherwise look like the reminder timer's
            },
            module: new NotificationsSettings(), email: _email, sms: new ScriptedChannel());
        var start = ClinicHost.Start;
        var dueAtStartUp = await clinic.BookAsync("alice", start.AddHours(2));
        var dueHalfAnIntervalIn = await clinic.BookAsync("bob", start.AddHours(24.5), doctor: "dr-grey");
        var dueOneAndAHalfIntervalsIn = await clinic.BookAsync("carol", start.AddHours(25.5), doctor: "dr-wilson");

        await clinic.Host.StartAsync();
        await Eventually.TrueAsync(() => _clock.HasTimerEvery(Interval), "the timer, set once the scan at start-up is done");
        _clock.Advance(Interval / 2);
        _clock.Advance(Interval / 2);
        await Eventually.TrueAsync(() => Reminders().Count == 2, "the reminder that fell due before the first tick");
        _clock.Advance(Interval);
        await Eventually.TrueAsync(() => Reminders().Count == 3, "the reminder that fell due before the second tick");

        // The channel has sent it; its claim says so a moment later, and stopping the host would cancel that write.
        await Eventually.TrueAsync(async () => (await clinic.ClaimAsync(dueOneAndAHalfIntervalsIn, start.AddHours(25.5)))?.SentAt is not null, "the last claim records its send");
        await clinic.Host.StopAsync();

        (await clinic.ClaimAsync(dueAtStartUp, start.AddHours(2)))!.SentAt.Should().Be(start, "the scan at start-up sent it");
        (await clinic.ClaimAsync(dueHalfAnIntervalIn, start.AddHours(24.5)))!.SentAt.Should().Be(start + Interval, "due half an interval in, sent at the next tick, not before");
        (await clinic.ClaimAsync(dueOneAndAHalfIntervalsIn, start.AddHours(25.5)))!.SentAt.Should().Be(start + (2 * Interval));
        Reminders().Select(m => m.To).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task With_the_timer_off_as_under_Dapr_it_scans_once_at_start_up_and_then_leaves_scans_to_the_cron_binding()
    {
        using var clinic = new ClinicHost(_clock, module: new NotificationsSettings { Timers = false }, email: _email, sms: new ScriptedChannel());
        await clinic.BookAsync("alice", ClinicHost.Start.AddHours(2));
        await clinic.BookAsync("bob", ClinicHost.Start.AddHours(25), doctor: "dr-grey");

        await clinic.Host.StartAsync();
        await clinic.StartUpScan.WaitAsync(TimeSpan.FromSeconds(30));
        var sentAtStartUp = Reminders().Select(m => m.To).ToList();
        _clock.Advance(TimeSpan.FromHours(3));
        var sentWithoutATrigger = Reminders().Count;
        await clinic.ScanAsync();
        await clinic.Host.StopAsync();

        sentAtStartUp.Should().Equal(["alice@example.com"], "the reminder due at start-up went out without waiting for the cron binding");
        _clock.HasTimerEvery(TimeSpan.FromMinutes(10)).Should().BeFalse("no reminder timer runs beside the cron binding");
        sentWithoutATrigger.Should().Be(1);
        Reminders().Select(m => m.To).Should().Equal("alice@example.com", "bob@example.com");
    }

    /// <summary>What the email channel sent as reminders: a started host also sends the bookings' notices through it.</summary>
    private List<OutgoingMessage> Reminders() => _email.Sent.Where(m => m.Subject == ReminderText.Subject).ToList();
}
