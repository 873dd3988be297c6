using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Appointments.Host;

internal static class StateStoreSetup
{
    public static void AddStateStoreHealthCheck(this IHostApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"]);
}

/// <summary>Ready means the state store answers a read.</summary>
internal sealed class StateStoreHealthCheck(IStateStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetAsync("health|probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StateStoreUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy("The state store does not answer.", ex);
        }
    }
}
