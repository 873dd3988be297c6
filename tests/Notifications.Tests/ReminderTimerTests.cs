using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;

namespace Appointments.Notifications.Tests;

public sealed class ReminderTimerTests
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();
    private readonly ScriptedChannel _email = new();

    [Fact]
    public async Task The_timer_scans_at_start_up_and_every_scan_interval_and_sends_once_the_reminder_is_due()
    {
        using var host = NotificationsHost.Create(_schedule, _time, _email, new ScriptedChannel(),
            new Dictionary<string, string?> { ["Reminders:Timer"] = "true", ["Reminders:ScanInterval"] = "01:00:00" });
        _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(25.5)));

        await host.Host.StartAsync();
        await Eventually.TrueAsync(() => _schedule.Queries == 1, "the scan at start-up");
        _time.Advance(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(() => _schedule.Queries == 2, "the scan an interval later");
        var sentBeforeDue = _email.Sent.Count;
        _time.Advance(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(() => !_email.Sent.IsEmpty, "the reminder once due");
        await host.Host.StopAsync();

        sentBeforeDue.Should().Be(0);
        _email.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task With_the_timer_off_as_under_Dapr_it_scans_once_at_start_up_and_then_leaves_scans_to_the_cron_binding()
    {
        using var host = NotificationsHost.Create(_schedule, _time, _email, new ScriptedChannel(),
            new Dictionary<string, string?> { ["Reminders:Timer"] = "false" });
        _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(2)));

        await host.Host.StartAsync();
        await host.StartUpScan.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromHours(3));
        await host.Host.StopAsync();

        _schedule.Queries.Should().Be(1);
        _email.Sent.Should().ContainSingle("the reminder due at start-up went out without waiting for the cron binding");
    }
}
