using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Dapr.Client;

namespace Appointments.Host;

/// <summary>
/// What a runtime mode chose: the adapters it registered (an <see cref="IStateStore"/>, a <c>DaprClient</c> under
/// Dapr), what the modules are told, and one line for the start-up log.
/// </summary>
internal sealed record RuntimeAdapters(RuntimeMode Mode, BookingSettings Booking, string Description)
{
    public const string DefaultConnectionString = "Data Source=data/appointments.db";
    public const string DefaultUserServiceAppId = "user-service";

    public static RuntimeAdapters AddEmbedded(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString("Appointments") ?? DefaultConnectionString;
        builder.AddSqliteStateStore(connectionString);

        var userService = configuration["UserService:Url"] is { Length: > 0 } url ? url : configuration["USER_SERVICE_URL"];
        var booking = new BookingSettings { UserServiceUrl = Uri.TryCreate(userService, UriKind.Absolute, out var parsed) ? parsed : null };

        // Booking's own start-up line says which user service URL it uses, or that the check is off.
        return new RuntimeAdapters(RuntimeMode.Embedded, booking, $"state: SQLite ({connectionString}); reminders: in-process timer, SMTP and Twilio REST");
    }

    public static RuntimeAdapters AddDapr(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var grpc = configuration["DAPR_GRPC_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_GRPC_PORT"] ?? "50001"}";
        var http = configuration["DAPR_HTTP_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
        var storeName = configuration["Dapr:StateStore"] ?? DaprStateStore.DefaultStoreName;
        var usersAppId = configuration["Dapr:UserServiceAppId"] ?? DefaultUserServiceAppId;

        // Reminders through bindings, triggered by the cron binding on every replica instead of an in-process timer.
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:Delivery"] = "DaprBindings",
            ["Reminders:Timer"] = "false",
        });

        var apiToken = configuration["DAPR_API_TOKEN"];
        builder.Services.AddSingleton(_ => new DaprClientBuilder().UseGrpcEndpoint(grpc).UseHttpEndpoint(http).UseDaprApiToken(apiToken).Build());
        builder.AddSidecarApiToken(new Uri(http), apiToken);
        builder.Services.AddSingleton<IStateStore>(provider => new DaprStateStore(provider.GetRequiredService<DaprClient>(), storeName));

        // The same HTTP user check, through the sidecar's service invocation; the sidecar's resiliency policy retries.
        var booking = new BookingSettings
        {
            UserServiceUrl = new Uri($"{http.TrimEnd('/')}/v1.0/invoke/{usersAppId}/method/"),
            UserServiceResilience = false,
        };
        return new RuntimeAdapters(RuntimeMode.Dapr, booking,
            $"state: Dapr state store '{storeName}' via {grpc}; users: service invocation of '{usersAppId}' via {http}; reminders: 'reminder-cron' binding, 'email' and 'sms' bindings");
    }
}
