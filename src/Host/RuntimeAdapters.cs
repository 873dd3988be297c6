using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.BuildingBlocks.State.Sqlite;
using Dapr.Client;

namespace Appointments.Host;

/// <summary>
/// Picks the adapters for the runtime mode. The modules never learn the mode: they get an
/// <see cref="IStateStore"/>, a user-service base URL and a reminder delivery setting.
/// </summary>
internal static class RuntimeAdapters
{
    public const string DefaultConnectionString = "Data Source=data/appointments.db";
    public const string DefaultUserServiceAppId = "user-service";

    /// <summary>Registers the adapters and returns one line that says which were chosen.</summary>
    public static string AddRuntimeAdapters(this IHostApplicationBuilder builder, RuntimeMode mode) =>
        mode == RuntimeMode.Dapr ? AddDapr(builder) : AddEmbedded(builder);

    private static string AddEmbedded(IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Appointments") ?? DefaultConnectionString;
        builder.Services.AddSingleton<IStateStore>(_ => new SqliteStateStore(connectionString));
        // Booking's own start-up line says which user service URL it resolved, or that the check is off.
        return $"state: SQLite ({connectionString}); users: HTTP to the user service; reminders: in-process timer, SMTP and Twilio REST";
    }

    private static string AddDapr(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var grpc = configuration["DAPR_GRPC_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_GRPC_PORT"] ?? "50001"}";
        var http = configuration["DAPR_HTTP_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
        var storeName = configuration["Dapr:StateStore"] ?? DaprStateStore.DefaultStoreName;
        var usersAppId = configuration["Dapr:UserServiceAppId"] ?? DefaultUserServiceAppId;

        // The same HTTP user check, through the sidecar's service invocation; reminders through bindings,
        // triggered by the cron binding on every replica instead of an in-process timer.
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["UserService:Url"] = $"{http.TrimEnd('/')}/v1.0/invoke/{usersAppId}/method/",
            ["Notifications:Delivery"] = "DaprBindings",
            ["Reminders:Timer"] = "false",
        });

        var apiToken = configuration["DAPR_API_TOKEN"];
        builder.Services.AddSingleton(_ => new DaprClientBuilder().UseGrpcEndpoint(grpc).UseHttpEndpoint(http).UseDaprApiToken(apiToken).Build());
        builder.AddSidecarApiToken(new Uri(http), apiToken);
        builder.Services.AddSingleton<IStateStore>(provider => new DaprStateStore(provider.GetRequiredService<DaprClient>(), storeName));
        return $"state: Dapr state store '{storeName}' via {grpc}; users: service invocation of '{usersAppId}' via {http}; reminders: 'reminder-cron' binding, 'email' and 'sms' bindings";
    }
}
