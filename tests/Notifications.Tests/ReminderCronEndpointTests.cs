using System.Net;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Tests;

/// <summary>POST /reminder-cron, as Dapr's cron input binding calls it, on a real minimal host.</summary>
public sealed class ReminderCronEndpointTests : IAsyncLifetime
{
    private readonly InMemorySchedule _schedule = new();
    private readonly ScriptedChannel _email = new();
    private readonly string _databasePath = NotificationsHost.NewDatabasePath();
    private SqliteStateStore _store = null!;
    private readonly HttpClient _http = new();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={_databasePath}" });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Reminders:Timer"] = "false" });
        builder.Services.AddSingleton<IStateStore>(_store);
        builder.Services.AddSingleton<IAppointmentSchedule>(_schedule);
        builder.AddNotificationsModule();
        builder.Services.AddKeyedSingleton<Channels.IReminderChannel>(ReminderMethod.Email, _email);
        _app = builder.Build();
        _app.MapNotificationEndpoints();
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _store.Dispose();
        _http.Dispose();
        NotificationsHost.DeleteDatabase(_databasePath);
    }

    [Fact]
    public async Task Post_with_an_empty_body_answers_200_and_sends_the_due_reminders()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", DateTimeOffset.UtcNow.AddHours(3)));

        using var response = await _http.PostAsync(new Uri("/reminder-cron", UriKind.Relative), content: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _email.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Post_answers_200_even_when_the_scan_fails()
    {
        _schedule.QueryFails = true;

        using var response = await _http.PostAsync(new Uri("/reminder-cron", UriKind.Relative), content: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Options_answers_200_so_daprd_counts_the_binding_as_subscribed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/reminder-cron", UriKind.Relative));

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
