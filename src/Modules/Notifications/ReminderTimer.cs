using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>Scans at start-up and every <c>Reminders:ScanInterval</c>, unless <c>Reminders:Timer</c> is off.</summary>
internal sealed class ReminderTimer(ReminderScan scan, TimeProvider time, IOptions<ReminderOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Timer)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        do
        {
            await scan.RunAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
