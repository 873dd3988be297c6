using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
            new Dictionary<string, string?> { ["Reminders:Timer"] = "true" });
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
    public async Task With_the_timer_off_nothing_scans_in_the_background()
    {
        using var host = NotificationsHost.Create(_schedule, _time, _email, new ScriptedChannel(),
            new Dictionary<string, string?> { ["Reminders:Timer"] = "false" });
        var timer = host.Services.GetServices<IHostedService>().OfType<ReminderTimer>().Single();

        await host.Host.StartAsync();
        await timer.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        await host.Host.StopAsync();

        _schedule.Queries.Should().Be(0);
    }
}
