using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>A day busier than one message to the store can carry (DAPR.md: daprd refuses any over 4 MiB, every time).</summary>
public sealed class BusyDayReminderTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();
    private readonly ClinicHost _clinic;

    public BusyDayReminderTests() => _clinic = new ClinicHost(_clock, email: _email);

    public void Dispose() => _clinic.Dispose();

    [Fact]
    public async Task A_day_with_more_reminders_than_one_message_can_carry_sends_every_one()
    {
        const int due = 450;
        for (var i = 0; i < due; i++)
        {
            await _clinic.BookAsync($"p{i}", _clock.GetUtcNow().AddHours(2).AddMinutes(i * 2), doctor: $"dr-{i % 30}");
        }

        // Every document is a few hundred bytes: one read of them all would be far over this, as a busy day is over 4 MiB.
        _clinic.Store.MaxBytesPerCall = 128 * 1024;
        await _clinic.Notices.RunAsync(CancellationToken.None);
        await _clinic.ScanAsync();

        _email.Sent.Count(m => m.Subject == "Appointment Reminder").Should().Be(due);
    }
}
