namespace Appointments.BuildingBlocks;

/// <summary>A housekeeping pass at start-up and then every period; a failed pass is reported and the next one goes on.</summary>
public static class Periodic
{
    public static async Task RunAsync(
        Func<CancellationToken, Task> pass, TimeSpan every, TimeProvider time, Action<Exception> failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(failed);
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
