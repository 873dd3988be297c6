using Appointments.Booking;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Notices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// Booking and Notifications together, as the host composes them, over one SQLite file (several hosts may share it,
/// or a new one may take it over as after a crash), on a fake clock. Scans run when a test calls them.
/// </summary>
internal sealed class ClinicHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;
    private readonly SqliteStateStore _store;

    public ClinicHost(
        string databasePath,
        TimeProvider clock,
        IDictionary<string, string?>? settings = null,
        NotificationsSettings? module = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["UserService:Enabled"] = "false", ["Booking:TimeZone"] = "Europe/Berlin" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        _store = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={databasePath}" });
        builder.Services.AddSingleton<IStateStore>(_store);
        builder.Services.AddSingleton(clock);
        builder.Services.AddFakeLogging();
        builder.AddBookingModule(new BookingSettings());
        builder.AddNotificationsModule(module ?? new NotificationsSettings { Timers = false });
        services?.Invoke(builder.Services);
        _host = builder.Build();
    }

    public AppointmentBook Book => _host.Services.GetRequiredService<AppointmentBook>();

    public NoticeScan Notices => _host.Services.GetRequiredService<NoticeScan>();

    public INoticeOutbox Outbox => _host.Services.GetRequiredService<INoticeOutbox>();

    public ReminderScan Reminders => _host.Services.GetRequiredService<ReminderScan>();

    public ClaimExpiry Claims => _host.Services.GetRequiredService<ClaimExpiry>();

    public IStateStore Store => _store;

    public FakeLogCollector Logs => _host.Services.GetFakeLogCollector();

    /// <summary>Books as <paramref name="username"/> and returns the appointment's id.</summary>
    public async Task<string> BookAsync(string username, DateTimeOffset start, string method = "email", string doctor = "dr-house")
    {
        var request = new NewAppointment(doctor, start) { Email = $"{username}@example.com", Phone = "+15555550100", ReminderMethod = method };
        var (booked, error) = await Book.BookAsync(new Caller(username, Caller.Patient), request, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }

    public static ScriptedChannel AddChannel(IServiceCollection services, ReminderMethod method)
    {
        var channel = new ScriptedChannel();
        services.AddKeyedSingleton<IMessageChannel>(method, channel);
        return channel;
    }

    public void Dispose()
    {
        _host.Dispose();
        _store.Dispose();
    }
}
