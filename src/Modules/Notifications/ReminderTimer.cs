using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>
/// Scans at start-up, then every <c>Reminders:ScanInterval</c> unless the host leaves scans to Dapr's cron binding. Under Dapr the cron
/// binding triggers the later scans, but its schedule starts over with the sidecar and fires nothing at start
/// (DAPR.md, "Cron input binding"): without this first scan a deploy could go a whole interval without one.
/// </summary>
internal sealed class ReminderTimer(ReminderScan scan, NotificationsSettings settings, TimeProvider time, IOptions<ReminderOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await scan.RunAsync(stoppingToken);
        if (!settings.Timers)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await scan.RunAsync(stoppingToken);
        }
    }
}
