using Appointments.Booking;
using Appointments.Booking.Api;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Notices;
using Appointments.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// Booking and Notifications together, as the host composes them, over one SQLite file (several hosts may share it,
/// or a new one may take it over as after a crash), on the clock a test gives. Appointments are booked, moved and
/// cancelled through Booking, so what is due comes from Booking's own schedule. Scans run when a test calls them;
/// a started host also scans once at start-up, and on its timers when they are on.
/// </summary>
internal sealed class ClinicHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The clinic's time zone: messages word times in it.</summary>
    public const string TimeZone = "Europe/Berlin";

    private static readonly Caller Admin = new("clinic-admin", Caller.Admin);

    private readonly SqliteStateStore _sqlite;
    private readonly TempDirectory? _directory;

    /// <param name="databasePath">The SQLite file; null: a new one, in a temp directory this host removes when disposed.</param>
    /// <param name="email">The email channel; null keeps the module's own choice. Likewise <paramref name="sms"/>.</param>
    /// <param name="web">A web host on 127.0.0.1 with the module's endpoints mapped; <see cref="Url"/> once started.</param>
    public ClinicHost(
        TimeProvider clock,
        string? databasePath = null,
        IDictionary<string, string?>? settings = null,
        NotificationsSettings? module = null,
        Action<IServiceCollection>? services = null,
        IMessageChannel? email = null,
        IMessageChannel? sms = null,
        string environment = "Production",
        bool web = false)
    {
        if (databasePath is null)
        {
            _directory = new TempDirectory();
            databasePath = _directory.File("clinic.db");
        }

        DatabasePath = databasePath;
        _sqlite = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={databasePath}" });
        Store = new SwitchableStateStore(_sqlite);

        IHostApplicationBuilder builder = web
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment })
            : Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["UserService:Enabled"] = "false", ["Booking:TimeZone"] = TimeZone });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging();
        builder.Services.AddSingleton<IStateStore>(Store);
        builder.Services.AddSingleton(clock);
        builder.AddBookingModule(new BookingSettings());
        builder.AddNotificationsModule(module ?? new NotificationsSettings { Timers = false });
        if (email is not null)
        {
            builder.Services.AddKeyedSingleton(ReminderMethod.Email, email);
        }

        if (sms is not null)
        {
            builder.Services.AddKeyedSingleton(ReminderMethod.Sms, sms);
        }

        services?.Invoke(builder.Services);
        Host = builder switch
        {
            WebApplicationBuilder webBuilder => WithEndpoints(webBuilder),
            HostApplicationBuilder hostBuilder => hostBuilder.Build(),
            _ => throw new InvalidOperationException("Unknown builder."),
        };
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>The store every module of this host uses: the SQLite file, behind a switch for outages.</summary>
    public SwitchableStateStore Store { get; }

    public string DatabasePath { get; }

    public ReminderPurge Purge => Services.GetRequiredService<ReminderPurge>();

    /// <summary>The web host's address, once started.</summary>
    public Uri Url => new(((WebApplication)Host).Urls.First());

    public AppointmentBook Book => Services.GetRequiredService<AppointmentBook>();

    public ReminderScan Scan => Services.GetRequiredService<ReminderScan>();

    public NoticeScan Notices => Services.GetRequiredService<NoticeScan>();

    public IAppointmentEvents Events => Services.GetRequiredService<IAppointmentEvents>();

    /// <summary>The events of Booking's outbox not yet done, as a notice scan would find them.</summary>
    public async Task<IReadOnlyList<AppointmentEvent>> PendingEventsAsync() => (await Events.PendingAsync(100)).Events;

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The reminder scan a started host runs at once; with the timers off, the only one it runs by itself.</summary>
    public Task StartUpScan => Services.GetServices<IHostedService>().OfType<ReminderTimer>().Single().ExecuteTask!;

    /// <summary>Books as the patient <paramref name="username"/>, reachable at <c>username@example.com</c> and a phone, and returns the id.</summary>
    public async Task<string> BookAsync(string username, DateTimeOffset start, string method = "email", string doctor = "dr-house")
    {
        var request = new NewAppointment(doctor, start) { Email = $"{username}@example.com", Phone = "+15555550100", ReminderMethod = method };
        var (booked, error) = await Book.BookAsync(new Caller(username, Caller.Patient), request, null, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }

    /// <summary>Scans for due reminders once, as the timer or the cron binding would.</summary>
    public Task ScanAsync() => Scan.RunAsync(CancellationToken.None);

    /// <summary>The reminder as the appointment shows it to its patient: null when none was recorded for its current start.</summary>
    public async Task<ReminderDocument?> ReminderAsync(string appointmentId)
    {
        var (stored, deliveries, error) = await Book.ReadAsync(Admin, appointmentId, CancellationToken.None);
        error.Should().BeNull();
        return AppointmentDocument.From(stored!.Appointment, Services.GetRequiredService<Clinic>(), deliveries).Reminder;
    }

    /// <summary>The claim of the reminder for the appointment's start at <paramref name="startUtc"/>, as the store holds it.</summary>
    public async Task<DeliveryClaim?> ClaimAsync(string appointmentId, DateTimeOffset startUtc)
    {
        var entry = await _sqlite.GetAsync(ReminderScan.ClaimKey(appointmentId, startUtc));
        return entry.Value is null ? null : DeliveryClaim.Read(entry.Value);
    }

    /// <summary>An instant as the clinic's patients read it.</summary>
    public DateTime Local(DateTimeOffset utc) => Services.GetRequiredService<Clinic>().ToLocal(utc);

    public void Dispose()
    {
        Host.Dispose();
        _sqlite.Dispose();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _directory.Dispose();
        }
    }

    private static WebApplication WithEndpoints(WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapNotificationEndpoints();
        return app;
    }
}
