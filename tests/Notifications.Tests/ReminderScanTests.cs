using Appointments.Booking.Contracts;
using Appointments.Notifications.Tests.TestDoubles;

namespace Appointments.Notifications.Tests;

public sealed class ReminderScanTests : IDisposable
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();
    private readonly ScriptedChannel _email = new();
    private readonly ScriptedChannel _sms = new();
    private readonly NotificationsHost _host;

    public ReminderScanTests()
    {
        _host = NotificationsHost.Create(_schedule, _time, _email, _sms, new Dictionary<string, string?> { ["Reminders:MaxAttempts"] = "3" });
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task An_appointment_starting_within_the_lead_time_gets_its_reminder()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(23)));

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Sent.Should().ContainSingle().Which.Should().Be(
            Channels.ReminderText.For("alice@example.com", "dr-house", appointment.LocalStart, "UTC"));
        var claim = await _host.ClaimAsync(appointment);
        claim!.Status.Should().Be("sent");
        claim.SentAt.Should().Be(Now);
        _schedule.RecordedStatuses("a1").Should().Equal("sending", "sent");
        _schedule.Recorded.Last().State.Should().Be(new DeliveryState("sent", 1, Now, null));
    }

    [Fact]
    public async Task An_appointment_beyond_the_lead_time_gets_no_reminder_yet()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(25)));

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Attempts.Should().Be(0);
        (await _host.ClaimAsync(appointment)).Should().BeNull();
    }

    [Fact]
    public async Task An_appointment_in_the_past_gets_no_reminder()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(-1)));

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Attempts.Should().Be(0);
    }

    [Fact]
    public async Task An_appointment_whose_reminder_method_is_none_gets_no_reminder()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(2), ReminderMethod.None));

        await _host.Scan.RunAsync(CancellationToken.None);

        (_email.Attempts + _sms.Attempts).Should().Be(0);
        (await _host.ClaimAsync(appointment)).Should().BeNull();
    }

    [Fact]
    public async Task An_sms_reminder_goes_to_the_phone_through_the_sms_channel()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(2), ReminderMethod.Sms));

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Attempts.Should().Be(0);
        _sms.Sent.Should().ContainSingle().Which.To.Should().Be("+15555550100");
    }

    [Fact]
    public async Task A_rescheduled_appointment_gets_a_reminder_again_for_its_new_start()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(23)));
        await _host.Scan.RunAsync(CancellationToken.None);

        var moved = _schedule.Reschedule("a1", Now.AddHours(20));
        _time.Advance(TimeSpan.FromHours(1));
        await _host.Scan.RunAsync(CancellationToken.None);
        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Sent.Select(m => m.Text).Should().Equal(
            Channels.ReminderText.For("alice@example.com", "dr-house", Now.AddHours(22).UtcDateTime, "UTC").Text,
            Channels.ReminderText.For("alice@example.com", "dr-house", moved.LocalStart, "UTC").Text);
    }

    [Fact]
    public async Task Each_reminder_is_sent_exactly_once_however_many_scans_run()
    {
        for (var i = 0; i < 5; i++)
        {
            _schedule.Add(InMemorySchedule.Appointment($"a{i}", Now.AddHours(1 + i)));
        }

        for (var scan = 0; scan < 12; scan++)
        {
            await _host.Scan.RunAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(20));
        }

        _email.Sent.Should().HaveCount(5);
        _email.Attempts.Should().Be(5);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_on_a_later_scan_and_then_sent_once()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _email.FailNext(ScriptedChannel.Transient());

        await _host.Scan.RunAsync(CancellationToken.None);
        var retrying = await _host.ClaimAsync(appointment);
        await _host.Scan.RunAsync(CancellationToken.None);
        var attemptsRightAfter = _email.Attempts;
        _time.Advance(TimeSpan.FromHours(1));
        await _host.Scan.RunAsync(CancellationToken.None);
        await _host.Scan.RunAsync(CancellationToken.None);

        retrying!.Status.Should().Be("retrying");
        retrying.LastError.Should().Be("smtp_deferred", "the document shows a category; the server's words stay in the log");
        attemptsRightAfter.Should().Be(1, "a scan right after the failure is too early to retry");
        _email.Attempts.Should().Be(2);
        _email.Sent.Should().ContainSingle();
        var claim = await _host.ClaimAsync(appointment);
        claim!.Status.Should().Be("sent");
        claim.Attempts.Should().Be(2);
        _schedule.RecordedStatuses("a1").Should().Equal("sending", "retrying", "sending", "sent");
    }

    [Fact]
    public async Task A_send_that_hangs_past_the_send_timeout_is_left_for_a_later_scan_and_the_scan_goes_on_to_the_next_reminder()
    {
        var hung = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(2)));
        var next = _schedule.Add(InMemorySchedule.Appointment("a2", Now.AddHours(3)));
        _email.HoldNextSend();

        var scan = _host.Scan.RunAsync(CancellationToken.None);
        await _email.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(30));
        await scan.WaitAsync(TimeSpan.FromSeconds(30));

        _email.Sent.Should().ContainSingle().Which.Text.Should().Contain(Channels.ReminderText.When(next.LocalStart, "UTC"));
        var claim = await _host.ClaimAsync(hung);
        claim!.Status.Should().Be("retrying");
        claim.LastError.Should().Be("timed_out");
    }

    [Fact]
    public async Task A_permanent_failure_is_recorded_as_failed_and_never_retried()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _email.FailNext(ScriptedChannel.Permanent());

        await _host.Scan.RunAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(2));
        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Attempts.Should().Be(1);
        var claim = await _host.ClaimAsync(appointment);
        claim!.Status.Should().Be("failed");
        claim.LastError.Should().Be("smtp_rejected");
        _schedule.Recorded.Last().State.Should().Be(new DeliveryState("failed", 1, null, claim.LastError));
    }

    [Fact]
    public async Task A_reminder_that_keeps_failing_transiently_is_failed_after_max_attempts()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _email.FailNext(Enumerable.Range(0, 10).Select(_ => (Exception)ScriptedChannel.Transient()).ToArray());

        for (var scan = 0; scan < 6; scan++)
        {
            await _host.Scan.RunAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        _email.Attempts.Should().Be(3);
        var claim = await _host.ClaimAsync(appointment);
        claim!.Status.Should().Be("failed");
        claim.Attempts.Should().Be(3);
        _schedule.RecordedStatuses("a1").Should().Equal("sending", "retrying", "sending", "retrying", "sending", "failed");
    }

    [Fact]
    public async Task A_reminder_without_an_address_fails_permanently_without_calling_the_channel()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10), email: null));

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Attempts.Should().Be(0);
        (await _host.ClaimAsync(appointment))!.Status.Should().Be("failed");
    }

    [Fact]
    public async Task A_state_store_outage_aborts_the_scan_with_a_warning_and_the_next_scan_sends()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _host.Store.Down = true;

        await _host.Scan.RunAsync(CancellationToken.None);
        _host.Store.Down = false;
        await _host.Scan.RunAsync(CancellationToken.None);

        _host.Logs.GetSnapshot().Should().Contain(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning
                                                       && r.Message.Contains("state store is unavailable"));
        _email.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task A_failure_to_record_the_reminder_on_the_appointment_does_not_stop_it()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _schedule.RecordFails = true;

        await _host.Scan.RunAsync(CancellationToken.None);

        _email.Sent.Should().ContainSingle();
        (await _host.ClaimAsync(appointment))!.Status.Should().Be("sent");
    }

    [Fact]
    public async Task A_scan_logs_one_line_per_reminder_outcome()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", Now.AddHours(10)));
        _schedule.Add(InMemorySchedule.Appointment("a2", Now.AddHours(11)));
        _schedule.Add(InMemorySchedule.Appointment("a3", Now.AddHours(12)));
        _email.FailNext(ScriptedChannel.Transient(), ScriptedChannel.Permanent());

        await _host.Scan.RunAsync(CancellationToken.None);

        var lines = _host.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.StartsWith("Reminder for appointment", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(3);
        lines.Should().ContainSingle(m => m.Contains("a1") && m.Contains("retried on a later scan"));
        lines.Should().ContainSingle(m => m.Contains("a2") && m.Contains("failed after 1 attempt"));
        lines.Should().ContainSingle(m => m.Contains("a3") && m.Contains("sent by Email"));
    }
}
