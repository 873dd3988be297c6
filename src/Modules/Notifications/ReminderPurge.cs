using Appointments.BuildingBlocks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications;

/// <summary>
/// Reminder claims are kept only while they guard something: on every replica, every six hours, the reminder index's
/// hours that are long past go, with the claims of their reminders (<see cref="ReminderIndex.PurgeAsync"/>), and so do
/// the per-recipient counts of days gone by (<see cref="RecipientLimit.PurgeAsync"/>). Notice claims need no purge:
/// each goes with its outbox event.
/// </summary>
internal sealed partial class ReminderPurge(ReminderIndex index, RecipientLimit recipients, TimeProvider time, ILogger<ReminderPurge> logger) : BackgroundService
{
    private static readonly TimeSpan PassEvery = TimeSpan.FromHours(6);

    public async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var purged = await index.PurgeAsync(entry => ReminderScan.ClaimKey(entry.Id, entry.Start), cancellationToken)
            + await recipients.PurgeAsync(cancellationToken);
        if (purged > 0)
        {
            Log.Purged(logger, purged);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(PurgeOnceAsync, PassEvery, time, ex => Log.Failed(logger, ex), stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Purged {Claims} reminder claim(s) and recipient count(s) that guard nothing any more")]
        public static partial void Purged(ILogger logger, int claims);

        [LoggerMessage(2, LogLevel.Warning, "Reminder purge failed; the next pass picks up where this one stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
