using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Channels;
using Appointments.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// The module as a host registers it, over a real SQLite store in a temp directory, a fake clock, the
/// in-test schedule and (unless told otherwise) counting channels.
/// </summary>
internal sealed class NotificationsHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly SqliteStateStore _sqlite;

    private NotificationsHost(IHost host, SqliteStateStore sqlite, SwitchableStateStore store, string databasePath)
    {
        Host = host;
        _sqlite = sqlite;
        Store = store;
        DatabasePath = databasePath;
    }

    public IHost Host { get; }

    public SwitchableStateStore Store { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => Host.Services;

    public ReminderScan Scan => Services.GetRequiredService<ReminderScan>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The scan the module runs once the host has started; with the timer off, that is all it runs.</summary>
    public Task StartUpScan => Services.GetServices<IHostedService>().OfType<ReminderTimer>().Single().ExecuteTask!;

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "notifications-tests", Guid.NewGuid().ToString("N"), "state.db");

    /// <param name="email">The email channel; null keeps the module's own choice.</param>
    /// <param name="sms">The SMS channel; null keeps the module's own choice.</param>
    public static NotificationsHost Create(
        InMemorySchedule schedule,
        TimeProvider time,
        IMessageChannel? email = null,
        IMessageChannel? sms = null,
        IDictionary<string, string?>? settings = null,
        string environment = "Production",
        string? databasePath = null,
        Action<IServiceCollection>? services = null)
    {
        databasePath ??= NewDatabasePath();
        var sqlite = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={databasePath}" });
        var store = new SwitchableStateStore(sqlite);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = environment,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Reminders:Timer"] = "false" });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddFakeLogging();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IStateStore>(store);
        builder.Services.AddSingleton<IAppointmentSchedule>(schedule);
        builder.AddNotificationsModule();
        if (email is not null)
        {
            builder.Services.AddKeyedSingleton(ReminderMethod.Email, email);
        }

        if (sms is not null)
        {
            builder.Services.AddKeyedSingleton(ReminderMethod.Sms, sms);
        }

        services?.Invoke(builder.Services);
        return new NotificationsHost(builder.Build(), sqlite, store, databasePath);
    }

    public static FakeTimeProvider NewClock() => new(Start);

    public async Task<ReminderClaim?> ClaimAsync(ScheduledAppointment appointment)
    {
        var entry = await _sqlite.GetAsync(ReminderClaim.Key(appointment.Id, appointment.StartUtc));
        return entry.Value is null ? null : ReminderClaim.Read(entry.Value);
    }

    public void Dispose()
    {
        Host.Dispose();
        _sqlite.Dispose();
        DeleteDatabase(DatabasePath);
    }

    /// <summary>Removes the database's temp directory; another store may still have it open, which Linux allows.</summary>
    public static void DeleteDatabase(string databasePath)
    {
        var directory = Path.GetDirectoryName(databasePath)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
