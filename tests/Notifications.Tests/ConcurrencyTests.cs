using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Notifications.Tests;

public sealed class ConcurrencyTests
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();
    private readonly ScriptedChannel _email = new();
    private readonly ScriptedChannel _sms = new();

    [Fact]
    public async Task Many_scanners_racing_over_one_store_send_each_reminder_exactly_once()
    {
        AddDueAppointments(30);
        using var host = NotificationsHost.Create(_schedule, _time, _email, _sms);
        // Separate scanner instances, as on separate replicas: only the claims keep them apart.
        var scanners = Enumerable.Range(0, 8).Select(_ => ActivatorUtilities.CreateInstance<ReminderScan>(host.Services)).ToList();

        await Task.WhenAll(scanners.Select(scan => Task.Run(() => scan.RunAsync(CancellationToken.None))));

        _email.Sent.Select(m => m.Text).Should().OnlyHaveUniqueItems().And.HaveCount(30);
        _email.Attempts.Should().Be(30);
    }

    [Fact]
    public async Task Two_services_sharing_one_sqlite_file_send_each_reminder_exactly_once()
    {
        AddDueAppointments(30);
        var database = NotificationsHost.NewDatabasePath();
        using var first = NotificationsHost.Create(_schedule, _time, _email, _sms, databasePath: database);
        using var second = NotificationsHost.Create(_schedule, _time, _email, _sms, databasePath: database);

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(
                Task.Run(() => first.Scan.RunAsync(CancellationToken.None)),
                Task.Run(() => second.Scan.RunAsync(CancellationToken.None)));
            _time.Advance(TimeSpan.FromMinutes(30));
        }

        _email.Sent.Select(m => m.Text).Should().OnlyHaveUniqueItems().And.HaveCount(30);
    }

    [Fact]
    public async Task A_second_trigger_in_the_same_process_skips_while_a_scan_is_running()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(2)));
        _schedule.Add(InMemorySchedule.Appointment("a2", _time.GetUtcNow().AddHours(3)));
        using var host = NotificationsHost.Create(_schedule, _time, _email, _sms);
        var hold = _email.HoldNextSend();

        var running = Task.Run(() => host.Scan.RunAsync(CancellationToken.None));
        await _email.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.Scan.RunAsync(CancellationToken.None);
        var attemptsWhileRunning = _email.Attempts;
        hold.SetResult();
        await running;

        attemptsWhileRunning.Should().Be(1, "the second trigger must not send a2 while the first scan is still at a1");
        host.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("another one is running"));
        _email.Sent.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_crash_between_claim_and_send_delays_the_reminder_until_the_lease_ends_then_sends_it_once()
    {
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(5)));
        using var host = NotificationsHost.Create(_schedule, _time, _email, _sms);
        _email.FailNext(new InvalidOperationException("crash"));

        await host.Scan.RunAsync(CancellationToken.None);
        var afterCrash = await host.ClaimAsync(appointment);
        _time.Advance(TimeSpan.FromMinutes(9));
        await host.Scan.RunAsync(CancellationToken.None);
        var sentWithinLease = _email.Sent.Count;
        _time.Advance(TimeSpan.FromMinutes(2));
        await host.Scan.RunAsync(CancellationToken.None);
        await host.Scan.RunAsync(CancellationToken.None);

        afterCrash!.Status.Should().Be("sending");
        sentWithinLease.Should().Be(0);
        _email.Sent.Should().ContainSingle();
        _email.Attempts.Should().Be(2);
        var claim = await host.ClaimAsync(appointment);
        claim!.Status.Should().Be("sent");
        claim.Attempts.Should().Be(2);
        host.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.Contains("taken over"));
    }

    private void AddDueAppointments(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _schedule.Add(InMemorySchedule.Appointment($"a{i}", _time.GetUtcNow().AddMinutes(60 + i)));
        }
    }
}
