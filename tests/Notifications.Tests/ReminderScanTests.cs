using Appointments.Booking;
using Appointments.Booking.Api;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// Reminder scans over Booking's own schedule: appointments are booked, moved, cancelled and closed through Booking,
/// and the clock moves them into the lead time, so what is due is what Booking's start-hour index and statuses say.
/// </summary>
public sealed class ReminderScanTests : IDisposable
{
    private static readonly Caller Alice = new("alice", Caller.Patient);

    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();
    private readonly ScriptedChannel _sms = new();
    private readonly ClinicHost _clinic;

    public ReminderScanTests()
    {
        _clinic = new ClinicHost(_clock, settings: new Dictionary<string, string?> { ["Reminders:MaxAttempts"] = "3" }, email: _email, sms: _sms);
    }

    /// <summary>Notices:ClinicName's default: every reminder names the clinic first.</summary>
    private const string Clinic = "Your clinic";

    private DateTimeOffset Now => _clock.GetUtcNow();

    public void Dispose() => _clinic.Dispose();

    [Fact]
    public async Task An_appointment_starting_within_the_lead_time_gets_its_reminder_and_shows_it_sent()
    {
        var start = Now.AddHours(23);
        var id = await _clinic.BookAsync("alice", start);

        await _clinic.ScanAsync();

        _email.Sent.Should().ContainSingle().Which.Should().Be(
            ReminderText.For("alice@example.com", "dr-house", new DateTime(2031, 3, 2, 8, 0, 0), "Europe/Berlin", Clinic));
        var claim = await _clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("sent");
        claim.SentAt.Should().Be(Now);
        (await _clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("sent", 1, Now, null));
    }

    [Fact]
    public async Task An_appointment_beyond_the_lead_time_gets_its_reminder_only_once_the_clock_brings_it_within()
    {
        var start = Now.AddHours(25);
        var id = await _clinic.BookAsync("alice", start);

        await _clinic.ScanAsync();
        var attemptsBeyond = _email.Attempts;
        var claimBeyond = await _clinic.ClaimAsync(id, start);
        _clock.Advance(TimeSpan.FromHours(1));
        await _clinic.ScanAsync();
        var attemptsAtExactlyTheLeadTime = _email.Attempts;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _clinic.ScanAsync();

        attemptsBeyond.Should().Be(0);
        claimBeyond.Should().BeNull();
        attemptsAtExactlyTheLeadTime.Should().Be(0, "the lead time is a half-open window: 24 hours ahead is not yet within it");
        _email.Sent.Should().ContainSingle();
        (await _clinic.ClaimAsync(id, start))!.SentAt.Should().Be(start.AddHours(-24).AddMinutes(1));
    }

    [Fact]
    public async Task An_appointment_whose_start_passed_before_any_scan_gets_no_reminder_afterwards()
    {
        var start = Now.AddHours(2);
        var id = await _clinic.BookAsync("alice", start);
        _clock.Advance(TimeSpan.FromHours(3));

        await _clinic.ScanAsync();

        _email.Attempts.Should().Be(0);
        (await _clinic.ClaimAsync(id, start)).Should().BeNull();
    }

    [Fact]
    public async Task An_appointment_whose_reminder_method_is_none_gets_no_reminder()
    {
        var start = Now.AddHours(2);
        var id = await _clinic.BookAsync("alice", start, method: "none");

        await _clinic.ScanAsync();

        (_email.Attempts + _sms.Attempts).Should().Be(0);
        (await _clinic.ClaimAsync(id, start)).Should().BeNull();
        (await _clinic.ReminderAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task A_cancelled_appointment_gets_no_reminder_even_when_due_and_gets_one_once_restored()
    {
        var start = Now.AddHours(30);
        var id = await _clinic.BookAsync("alice", start);
        (await _clinic.Book.CancelAsync(Alice, id, "Feeling better", null, CancellationToken.None)).Should().BeNull();
        _clock.Advance(TimeSpan.FromHours(7));

        await _clinic.ScanAsync();
        var attemptsWhileCancelled = _email.Attempts;
        var claimWhileCancelled = await _clinic.ClaimAsync(id, start);
        (await _clinic.Book.UpdateAsync(Alice, id, new AppointmentChanges { Status = "scheduled" }, null, CancellationToken.None)).Should().BeNull();
        await _clinic.ScanAsync();

        attemptsWhileCancelled.Should().Be(0, "a cancelled visit is not reminded, though it starts within the lead time");
        claimWhileCancelled.Should().BeNull();
        _email.Sent.Should().ContainSingle("restored, the visit is due again");
    }

    [Fact]
    public async Task A_deleted_appointment_gets_no_reminder_even_when_due()
    {
        var start = Now.AddHours(30);
        var id = await _clinic.BookAsync("alice", start);
        (await _clinic.Book.DeleteAsync(Alice, id, null, CancellationToken.None)).Should().BeNull();
        _clock.Advance(TimeSpan.FromHours(7));

        await _clinic.ScanAsync();

        _email.Attempts.Should().Be(0);
        (await _clinic.ClaimAsync(id, start)).Should().BeNull();
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("no_show")]
    public async Task An_appointment_whose_outcome_is_recorded_gets_no_reminder_though_it_starts_within_the_lead_time(string outcome)
    {
        var start = Now.AddHours(2);
        var closed = await _clinic.BookAsync("alice", start);
        var open = await _clinic.BookAsync("bob", start, doctor: "dr-grey");
        // An outcome can be recorded from the visit's start on; at that instant it still starts within the lead time.
        _clock.SetUtcNow(start);
        (await _clinic.Book.UpdateAsync(new Caller("dr-house", Caller.Doctor), closed, new AppointmentChanges { Status = outcome }, null, CancellationToken.None))
            .Should().BeNull();

        await _clinic.ScanAsync();

        _email.Sent.Should().ContainSingle("the scan covers this instant: only the outcome keeps the closed visit out")
            .Which.To.Should().Be("bob@example.com");
        (await _clinic.ClaimAsync(closed, start)).Should().BeNull();
    }

    [Fact]
    public async Task An_sms_reminder_goes_to_the_phone_through_the_sms_channel()
    {
        var start = Now.AddHours(2);
        await _clinic.BookAsync("alice", start, method: "sms");

        await _clinic.ScanAsync();

        _email.Attempts.Should().Be(0);
        _sms.Sent.Should().ContainSingle().Which.Should().Be(ReminderText.For("+15555550100", "dr-house", _clinic.Local(start), ClinicHost.TimeZone, Clinic));
    }

    [Fact]
    public async Task A_rescheduled_appointment_gets_a_reminder_again_for_its_new_start_and_shows_only_that_one()
    {
        var first = Now.AddHours(23);
        var id = await _clinic.BookAsync("alice", first);
        await _clinic.ScanAsync();

        var moved = Now.AddHours(20);
        (await _clinic.Book.RescheduleAsync(Alice, id, moved, null, CancellationToken.None)).Should().BeNull();
        var shownRightAfterTheMove = await _clinic.ReminderAsync(id);
        _clock.Advance(TimeSpan.FromHours(1));
        await _clinic.ScanAsync();
        await _clinic.ScanAsync();

        _email.Sent.Select(m => m.Text).Should().Equal(
            ReminderText.For("alice@example.com", "dr-house", _clinic.Local(first), ClinicHost.TimeZone, Clinic).Text,
            ReminderText.For("alice@example.com", "dr-house", _clinic.Local(moved), ClinicHost.TimeZone, Clinic).Text);
        shownRightAfterTheMove.Should().BeNull("the reminder sent was for the old time");
        (await _clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("sent", 1, Now, null));
    }

    [Fact]
    public async Task Each_reminder_is_sent_exactly_once_however_many_scans_run_as_the_clock_brings_them_due()
    {
        for (var i = 0; i < 5; i++)
        {
            await _clinic.BookAsync("alice", Now.AddHours(23 + i));
        }

        for (var scan = 0; scan < 12; scan++)
        {
            await _clinic.ScanAsync();
            _clock.Advance(TimeSpan.FromMinutes(20));
        }

        _email.Sent.Select(m => m.Text).Should().HaveCount(5).And.OnlyHaveUniqueItems();
        _email.Attempts.Should().Be(5);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_on_a_later_scan_and_then_sent_once()
    {
        var start = Now.AddHours(10);
        var id = await _clinic.BookAsync("alice", start);
        _email.FailNext(ScriptedChannel.Transient());

        await _clinic.ScanAsync();
        var retrying = await _clinic.ClaimAsync(id, start);
        var shownRetrying = await _clinic.ReminderAsync(id);
        await _clinic.ScanAsync();
        var attemptsRightAfter = _email.Attempts;
        _clock.Advance(TimeSpan.FromHours(1));
        await _clinic.ScanAsync();
        await _clinic.ScanAsync();

        retrying!.Status.Should().Be("retrying");
        retrying.LastError.Should().Be("smtp_deferred", "the document shows a category; the server's words stay in the log");
        shownRetrying.Should().Be(new ReminderDocument("retrying", 1, null, "smtp_deferred"));
        attemptsRightAfter.Should().Be(1, "a scan right after the failure is too early to retry");
        _email.Attempts.Should().Be(2);
        _email.Sent.Should().ContainSingle();
        var claim = await _clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("sent");
        claim.Attempts.Should().Be(2);
        (await _clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("sent", 2, Now, null));
    }

    [Fact]
    public async Task A_send_that_hangs_past_the_send_timeout_is_left_for_a_later_scan_and_the_scan_goes_on_to_the_next_reminder()
    {
        var hungStart = Now.AddHours(2);
        var nextStart = Now.AddHours(3);
        var hung = await _clinic.BookAsync("alice", hungStart);
        await _clinic.BookAsync("alice", nextStart);
        _email.HoldNextSend();

        var scan = _clinic.ScanAsync();
        await _email.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(30));
        await scan.WaitAsync(TimeSpan.FromSeconds(30));

        _email.Sent.Should().ContainSingle().Which.Text.Should().Contain(ReminderText.When(_clinic.Local(nextStart), ClinicHost.TimeZone));
        var claim = await _clinic.ClaimAsync(hung, hungStart);
        claim!.Status.Should().Be("retrying");
        claim.LastError.Should().Be("timed_out");
    }

    [Fact]
    public async Task A_permanent_failure_is_recorded_as_failed_and_never_retried()
    {
        var start = Now.AddHours(10);
        var id = await _clinic.BookAsync("alice", start);
        _email.FailNext(ScriptedChannel.Permanent());

        await _clinic.ScanAsync();
        _clock.Advance(TimeSpan.FromHours(2));
        await _clinic.ScanAsync();

        _email.Attempts.Should().Be(1);
        var claim = await _clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("failed");
        claim.LastError.Should().Be("smtp_rejected");
        (await _clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("failed", 1, null, "smtp_rejected"));
    }

    [Fact]
    public async Task A_reminder_that_keeps_failing_transiently_is_failed_after_max_attempts()
    {
        var start = Now.AddHours(10);
        var id = await _clinic.BookAsync("alice", start);
        _email.FailNext(Enumerable.Range(0, 10).Select(_ => (Exception)ScriptedChannel.Transient()).ToArray());

        for (var scan = 0; scan < 6; scan++)
        {
            await _clinic.ScanAsync();
            _clock.Advance(TimeSpan.FromHours(1));
        }

        _email.Attempts.Should().Be(3);
        var claim = await _clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("failed");
        claim.Attempts.Should().Be(3);
        (await _clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("failed", 3, null, "smtp_deferred"));
    }

    [Fact]
    public async Task A_state_store_outage_aborts_the_scan_with_a_warning_and_the_next_scan_sends()
    {
        await _clinic.BookAsync("alice", Now.AddHours(10));
        _clinic.Store.Down = true;

        await _clinic.ScanAsync();
        var attemptsDuringTheOutage = _email.Attempts;
        _clinic.Store.Down = false;
        await _clinic.ScanAsync();

        attemptsDuringTheOutage.Should().Be(0);
        _clinic.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("state store is unavailable"));
        _email.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task A_failure_to_record_the_reminder_on_the_appointment_does_not_stop_it()
    {
        var start = Now.AddHours(10);
        var id = await _clinic.BookAsync("alice", start);
        // Booking keeps where a reminder stands under its own key beside the appointment: only writing that fails.
        _clinic.Store.FailWritesTo = $"appointment|{id}|deliveries";

        await _clinic.ScanAsync();
        await _clinic.ScanAsync();

        _email.Sent.Should().ContainSingle();
        (await _clinic.ClaimAsync(id, start))!.Status.Should().Be("sent");
        _clinic.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains($"Could not record Reminder state sent on appointment {id}"));
    }

    [Fact]
    public async Task A_scan_logs_one_line_per_reminder_outcome()
    {
        var a1 = await _clinic.BookAsync("alice", Now.AddHours(10));
        var a2 = await _clinic.BookAsync("alice", Now.AddHours(11));
        var a3 = await _clinic.BookAsync("alice", Now.AddHours(12));
        _email.FailNext(ScriptedChannel.Transient(), ScriptedChannel.Permanent());

        await _clinic.ScanAsync();

        var lines = _clinic.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.StartsWith("Reminder for appointment", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(3);
        lines.Should().ContainSingle(m => m.Contains(a1) && m.Contains("retried on a later scan"));
        lines.Should().ContainSingle(m => m.Contains(a2) && m.Contains("failed after 1 attempt"));
        lines.Should().ContainSingle(m => m.Contains(a3) && m.Contains("sent by Email"));
    }
}
