namespace Appointments.Notifications;

/// <summary>What the reminder and notice timers share: a scan at start-up, then one a period unless there is none.</summary>
internal static class ScanLoop
{
    /// <param name="every">Null when later scans are left to Dapr's cron bindings.</param>
    public static async Task RunAsync(Func<CancellationToken, Task> scan, TimeSpan? every, TimeProvider time, CancellationToken stoppingToken)
    {
        await scan(stoppingToken);
        if (every is not { } period)
        {
            return;
        }

        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await scan(stoppingToken);
        }
    }
}
