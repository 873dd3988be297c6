using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// A reminder across a daylight-saving change, with Booking's own schedule in a Europe/Berlin clinic: the
/// clocks go forward at 02:00 on 2031-03-30, so the day before a visit that morning has only 23 local hours.
/// </summary>
public sealed class DaylightSavingReminderTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2031, 3, 29, 7, 0, 0, TimeSpan.Zero));
    private readonly ScriptedChannel _email = new();
    private readonly IHost _host;

    public DaylightSavingReminderTests()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Booking:TimeZone"] = "Europe/Berlin",
            ["UserService:Enabled"] = "false",
            ["Reminders:Timer"] = "false",
        });
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<IStateStore>(new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={_directory.File("dst.db")}" }));
        builder.AddBookingModule(new BookingSettings());
        builder.AddNotificationsModule();
        builder.Services.AddKeyedSingleton<IMessageChannel>(Booking.Contracts.ReminderMethod.Email, _email);
        _host = builder.Build();
    }

    public void Dispose()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_visit_the_morning_the_clocks_go_forward_is_reminded_24_real_hours_ahead_in_local_time()
    {
        var book = _host.Services.GetRequiredService<AppointmentBook>();
        var clinic = _host.Services.GetRequiredService<Clinic>();
        var visit = clinic.Parse("2031-03-30 10:00:00")!.Value;
        var (booked, error) = await book.BookAsync(new Caller("alice", Caller.Patient), new NewAppointment("dr-house", visit) { Email = "alice@example.com" }, null, CancellationToken.None);
        error.Should().BeNull();
        var scan = _host.Services.GetRequiredService<ReminderScan>();

        _clock.SetUtcNow(visit.AddHours(-24).AddMinutes(-1));
        await scan.RunAsync(CancellationToken.None);
        var sentEarly = _email.Sent.Count;
        _clock.SetUtcNow(visit.AddHours(-24).AddMinutes(1));
        await scan.RunAsync(CancellationToken.None);

        visit.Should().Be(new DateTimeOffset(2031, 3, 30, 8, 0, 0, TimeSpan.Zero), "10:00 summer time");
        sentEarly.Should().Be(0, "at 08:59 local on the 29th (winter time) the visit is still 24 hours and a minute away");
        _email.Sent.Should().ContainSingle();
        var message = _email.Sent.Single();
        message.Text.Should().Contain("2031-03-30 10:00 (Europe/Berlin)", "10:00 in summer time, the first morning of it");
        booked!.Id.Should().NotBeNullOrEmpty();
    }
}
