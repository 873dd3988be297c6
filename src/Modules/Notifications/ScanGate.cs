using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications;

/// <summary>
/// What the reminder and notice scans share around their work: one at a time in this process (claims keep
/// other processes safe), and a failure is logged, never thrown, so the next scan picks up.
/// </summary>
internal sealed class ScanGate(string scan, ILogger logger)
{
    private int _running;

    public async Task RunAsync(Func<CancellationToken, Task> pass, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            logger.LogInformation("{Scan} scan skipped: another one is running in this process", scan);
            return;
        }

        try
        {
            await pass(cancellationToken);
        }
        catch (StateStoreUnavailableException ex)
        {
            logger.LogWarning(ex, "{Scan} scan stopped: the state store is unavailable; the next scan picks up", scan);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("{Scan} scan stopped: the service is shutting down", scan);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Scan} scan failed; the next scan picks up", scan);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
