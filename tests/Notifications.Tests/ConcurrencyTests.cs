using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

public sealed class ConcurrencyTests
{
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();
    private readonly ScriptedChannel _sms = new();

    [Fact]
    public async Task Many_scanners_racing_over_one_store_send_each_reminder_exactly_once()
    {
        using var clinic = new ClinicHost(_clock, email: _email, sms: _sms);
        await BookDueAppointmentsAsync(clinic, clinic, 30);
        // Separate scanner instances, as on separate replicas: only the claims keep them apart.
        var scanners = Enumerable.Range(0, 8).Select(_ => ActivatorUtilities.CreateInstance<ReminderScan>(clinic.Services)).ToList();

        await Task.WhenAll(scanners.Select(scan => Task.Run(() => scan.RunAsync(CancellationToken.None))));

        _email.Sent.Select(m => m.Text).Should().OnlyHaveUniqueItems().And.HaveCount(30);
        _email.Attempts.Should().Be(30);
    }

    [Fact]
    public async Task Two_services_sharing_one_sqlite_file_send_each_reminder_exactly_once()
    {
        using var first = new ClinicHost(_clock, email: _email, sms: _sms);
        using var second = new ClinicHost(_clock, first.DatabasePath, email: _email, sms: _sms);
        await BookDueAppointmentsAsync(first, second, 30);

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(
                Task.Run(() => first.ScanAsync()),
                Task.Run(() => second.ScanAsync()));
            _clock.Advance(TimeSpan.FromMinutes(30));
        }

        _email.Sent.Select(m => m.Text).Should().OnlyHaveUniqueItems().And.HaveCount(30);
        _email.Attempts.Should().Be(30);
    }

    [Fact]
    public async Task A_second_trigger_in_the_same_process_skips_while_a_scan_is_running()
    {
        using var clinic = new ClinicHost(_clock, email: _email, sms: _sms);
        await clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(2));
        await clinic.BookAsync("alice", _clock.GetUtcNow().AddHours(3));
        var hold = _email.HoldNextSend();

        var running = Task.Run(() => clinic.ScanAsync());
        await _email.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await clinic.ScanAsync();
        var attemptsWhileRunning = _email.Attempts;
        hold.SetResult();
        await running;

        attemptsWhileRunning.Should().Be(1, "the second trigger must not send the second reminder while the first scan is still at the first");
        clinic.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("another one is running"));
        _email.Sent.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_crash_between_claim_and_send_delays_the_reminder_until_the_lease_ends_then_sends_it_once()
    {
        using var clinic = new ClinicHost(_clock, email: _email, sms: _sms);
        var start = _clock.GetUtcNow().AddHours(5);
        var id = await clinic.BookAsync("alice", start);
        _email.FailNext(new InvalidOperationException("crash"));

        await clinic.ScanAsync();
        var afterCrash = await clinic.ClaimAsync(id, start);
        var shownAfterCrash = await clinic.ReminderAsync(id);
        _clock.Advance(TimeSpan.FromMinutes(9));
        await clinic.ScanAsync();
        var sentWithinLease = _email.Sent.Count;
        _clock.Advance(TimeSpan.FromMinutes(2));
        await clinic.ScanAsync();
        await clinic.ScanAsync();

        afterCrash!.Status.Should().Be("sending");
        shownAfterCrash!.Status.Should().Be("sending");
        sentWithinLease.Should().Be(0);
        _email.Sent.Should().ContainSingle();
        _email.Attempts.Should().Be(2);
        var claim = await clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("sent");
        claim.Attempts.Should().Be(2);
        (await clinic.ReminderAsync(id))!.Status.Should().Be("sent");
        clinic.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.Contains("taken over"));
    }

    /// <summary>
    /// Books <paramref name="count"/> appointments a minute apart from an hour ahead, alternating between the two
    /// hosts, each with its own patient and doctor since they overlap.
    /// </summary>
    private async Task BookDueAppointmentsAsync(ClinicHost one, ClinicHost other, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await (i % 2 == 0 ? one : other).BookAsync($"patient-{i}", _clock.GetUtcNow().AddMinutes(60 + i), doctor: $"dr-{i}");
        }
    }
}
