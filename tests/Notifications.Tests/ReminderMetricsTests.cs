using System.Diagnostics.Metrics;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Appointments.Notifications.Tests;

public sealed class ReminderMetricsTests : IDisposable
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();
    private readonly ScriptedChannel _email = new();
    private readonly NotificationsHost _host;
    private readonly MetricCollector<long> _sent;
    private readonly MetricCollector<long> _failed;
    private readonly MetricCollector<long> _retried;

    public ReminderMetricsTests()
    {
        _host = NotificationsHost.Create(_schedule, _time, _email, new ScriptedChannel());
        var meters = _host.Services.GetRequiredService<IMeterFactory>();
        _sent = new MetricCollector<long>(meters, ReminderMetrics.MeterName, "reminders.sent");
        _failed = new MetricCollector<long>(meters, ReminderMetrics.MeterName, "reminders.failed");
        _retried = new MetricCollector<long>(meters, ReminderMetrics.MeterName, "reminders.retried");
    }

    public void Dispose()
    {
        _sent.Dispose();
        _failed.Dispose();
        _retried.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Sent_failed_and_retried_reminders_are_counted_by_method()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(1)));
        _schedule.Add(InMemorySchedule.Appointment("a2", _time.GetUtcNow().AddHours(2)));
        _schedule.Add(InMemorySchedule.Appointment("a3", _time.GetUtcNow().AddHours(3)));
        _email.FailNext(ScriptedChannel.Transient(), ScriptedChannel.Permanent());

        await _host.Scan.RunAsync(CancellationToken.None);

        _retried.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _failed.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _sent.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _sent.LastMeasurement!.Tags["method"].Should().Be("email");
    }

    [Fact]
    public async Task A_reminder_counts_once_as_sent_however_many_scans_see_it()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(1)));

        await _host.Scan.RunAsync(CancellationToken.None);
        await _host.Scan.RunAsync(CancellationToken.None);

        _sent.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _failed.GetMeasurementSnapshot().Should().BeEmpty();
    }
}
