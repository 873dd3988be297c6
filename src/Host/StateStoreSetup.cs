using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Appointments.Host;

internal static class StateStoreSetup
{
    public const string DefaultConnectionString = "Data Source=data/appointments.db";

    public static void AddEmbeddedStateStore(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Appointments") ?? DefaultConnectionString;
        builder.Services.AddSingleton<IStateStore>(_ => new SqliteStateStore(connectionString));
    }

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
