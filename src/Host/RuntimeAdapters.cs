using Appointments.Booking;
using Appointments.BuildingBlocks;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Notifications;
using Dapr.Client;
using Microsoft.Data.Sqlite;

namespace Appointments.Host;

/// <summary>
/// What a runtime mode chose: the adapters it registered (an <see cref="IStateStore"/>, a <c>DaprClient</c> under
/// Dapr), what the modules are told, and what the start-up log says about it. Only what the host itself decided
/// is said here; the modules say at start-up how users are checked and how each reminder method is sent.
/// </summary>
/// <param name="State">The state store, as an operator would look for it (no credentials).</param>
internal sealed record RuntimeAdapters(RuntimeMode Mode, BookingSettings Booking, NotificationsSettings Notifications, string State, string Description)
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

        var state = DescribeSqlite(connectionString);
        return new RuntimeAdapters(RuntimeMode.Embedded, booking, new NotificationsSettings(), state, $"state: {state}; scans: in-process timers");
    }

    public static RuntimeAdapters AddDapr(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var grpc = configuration["DAPR_GRPC_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_GRPC_PORT"] ?? "50001"}";
        var http = configuration["DAPR_HTTP_ENDPOINT"] ?? $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
        var storeName = configuration["Dapr:StateStore"] ?? DaprStateStore.DefaultStoreName;
        var usersAppId = configuration["Dapr:UserServiceAppId"] ?? DefaultUserServiceAppId;

        var apiToken = configuration["DAPR_API_TOKEN"];
        builder.Services.AddSingleton(_ => new DaprClientBuilder().UseGrpcEndpoint(grpc).UseHttpEndpoint(http).UseDaprApiToken(apiToken).Build());
        builder.AddSidecarApiToken(new Uri(http), apiToken);
        builder.RequireAppApiToken();
        builder.Services.AddSingleton<IStateStore>(provider => new TracedStateStore(new DaprStateStore(provider.GetRequiredService<DaprClient>(), storeName)));

        // The same HTTP user check, through the sidecar's service invocation; the sidecar's resiliency policy retries.
        var booking = new BookingSettings
        {
            UserServiceUrl = new Uri($"{http.TrimEnd('/')}/v1.0/invoke/{usersAppId}/method/"),
            UserServiceResilience = false,
        };
        // Messages through bindings, scans triggered by the cron bindings on every replica instead of in-process timers.
        var notifications = new NotificationsSettings { DaprBindings = true, Timers = false };
        var state = $"Dapr state store '{storeName}' via {LogSafe.Url(grpc)}";
        return new RuntimeAdapters(RuntimeMode.Dapr, booking, notifications, state, $"state: {state}; scans: the '{NotificationsModule.CronBindingName}' binding");
    }

    // The file as an absolute path, so an operator sees which file a relative Data Source means; nothing else of the
    // connection string, which may hold a password.
    private static string DescribeSqlite(string connectionString)
    {
        try
        {
            return $"SQLite database {Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource)}";
        }
        catch (ArgumentException)
        {
            return "SQLite (ConnectionStrings:Appointments is not a valid connection string)";
        }
    }
}
