using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Notices;

/// <summary>
/// Scans the outbox at start-up (notices owed before a restart go out at once), then twice per
/// <c>Notices:Delay</c> unless the host leaves later scans to Dapr's <c>notice-cron</c> binding. It runs with notices
/// off too: the outbox also feeds the reminder index.
/// </summary>
internal sealed class NoticeTimer(NoticeScan scan, NotificationsSettings settings, TimeProvider time, IOptions<NoticesOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ScanLoop.RunAsync(scan.RunAsync, settings.Timers ? options.Value.ScanInterval : null, time, stoppingToken);
}
