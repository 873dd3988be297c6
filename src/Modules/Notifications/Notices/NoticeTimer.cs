using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Notices;

/// <summary>
/// Scans the outbox at start-up (notices owed before a restart go out at once), then twice per
/// <c>Notices:Delay</c> unless the host leaves later scans to Dapr's <c>notice-cron</c> binding.
/// </summary>
internal sealed class NoticeTimer(NoticeScan scan, NotificationsSettings settings, TimeProvider time, IOptions<NoticesOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

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
