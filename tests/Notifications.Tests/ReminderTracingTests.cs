using System.Collections.Concurrent;
using System.Diagnostics;
using Appointments.Notifications.Tests.TestDoubles;

namespace Appointments.Notifications.Tests;

/// <summary>Reminder scans as spans, for OpenTelemetry: one per scan, one per reminder it handles, failures marked.</summary>
public sealed class ReminderTracingTests : IDisposable
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();
    private readonly ScriptedChannel _email = new();
    private readonly NotificationsHost _host;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public ReminderTracingTests()
    {
        _host = NotificationsHost.Create(_schedule, _time, _email, new ScriptedChannel());
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
        _listener.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task A_scan_is_a_span_with_a_child_per_reminder_and_a_failed_one_is_marked_with_its_category()
    {
        _schedule.Add(InMemorySchedule.Appointment("traced-1", _time.GetUtcNow().AddHours(1)));
        _schedule.Add(InMemorySchedule.Appointment("traced-2", _time.GetUtcNow().AddHours(2)));
        _email.FailNext(ScriptedChannel.Permanent());

        await _host.Scan.RunAsync(CancellationToken.None);

        // Other tests scan in parallel: look at this scan's spans only.
        var reminders = _spans.Where(s => s.OperationName == "reminder" && ((string?)s.GetTagItem("appointment.id"))!.StartsWith("traced-", StringComparison.Ordinal)).ToList();
        reminders.Should().HaveCount(2);
        var scan = _spans.Should().ContainSingle(s => s.OperationName == "reminder scan" && s.SpanId == reminders[0].ParentSpanId).Subject;
        scan.GetTagItem("reminders.due").Should().Be(2);
        reminders.Should().ContainSingle(s => s.Status == ActivityStatusCode.Error).Which.StatusDescription.Should().Be("smtp_rejected");
    }
}
