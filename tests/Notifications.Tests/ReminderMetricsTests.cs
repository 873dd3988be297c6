using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>What reminders tell OpenTelemetry: the counters, and a span per scan and per reminder.</summary>
public sealed class ReminderMetricsTests : IDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();
    private readonly ClinicHost _clinic;
    private readonly MetricCollector<long> _sent;
    private readonly MetricCollector<long> _failed;
    private readonly MetricCollector<long> _retried;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public ReminderMetricsTests()
    {
        _clinic = new ClinicHost(_clock, email: _email, sms: new ScriptedChannel());
        var meters = _clinic.Services.GetRequiredService<IMeterFactory>();
        _sent = new MetricCollector<long>(meters, DeliveryMetrics.MeterName, "reminders.sent");
        _failed = new MetricCollector<long>(meters, DeliveryMetrics.MeterName, "reminders.failed");
        _retried = new MetricCollector<long>(meters, DeliveryMetrics.MeterName, "reminders.retried");
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NotificationsModule.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _sent.Dispose();
        _failed.Dispose();
        _retried.Dispose();
        _listener.Dispose();
        _clinic.Dispose();
    }

    [Fact]
    public async Task Sent_failed_and_retried_reminders_are_counted_by_method()
    {
        for (var hours = 1; hours <= 3; hours++)
        {
            await _clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(hours));
        }

        _email.FailNext(ScriptedChannel.Transient(), ScriptedChannel.Permanent());

        await _clinic.ScanAsync();

        _retried.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _failed.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _sent.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _sent.LastMeasurement!.Tags["method"].Should().Be("email");
    }

    [Fact]
    public async Task A_reminder_counts_once_as_sent_however_many_scans_see_it()
    {
        await _clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(1));

        await _clinic.ScanAsync();
        await _clinic.ScanAsync();

        _sent.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        _failed.GetMeasurementSnapshot().Should().BeEmpty();
    }

    [Fact]
    public async Task A_scan_is_a_span_with_a_child_per_reminder_and_a_failed_one_is_marked_with_its_category()
    {
        string[] traced = [await _clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(1)), await _clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(2))];
        _email.FailNext(ScriptedChannel.Permanent());

        await _clinic.ScanAsync();

        // Other tests scan in parallel: look at this scan's spans only.
        var reminders = _spans.Where(s => s.OperationName == "reminder" && traced.Contains((string?)s.GetTagItem("appointment.id"))).ToList();
        reminders.Should().HaveCount(2);
        var scan = _spans.Should().ContainSingle(s => s.OperationName == "reminder scan" && s.SpanId == reminders[0].ParentSpanId).Subject;
        scan.GetTagItem("reminders.due").Should().Be(2);
        reminders.Should().ContainSingle(s => s.Status == ActivityStatusCode.Error).Which.StatusDescription.Should().Be("smtp_rejected");
    }
}
