using System.Net;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Tests;

/// <summary>POST /reminder-cron, as Dapr's cron input binding calls it with the app token, on a real minimal host.</summary>
public sealed class ReminderCronEndpointTests : IAsyncLifetime
{
    private const string AppToken = "app-token-1";
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
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Reminders:Timer"] = "false", ["APP_API_TOKEN"] = AppToken });
        builder.Services.AddSingleton<IStateStore>(_store);
        builder.Services.AddSingleton<IAppointmentSchedule>(_schedule);
        builder.AddNotificationsModule();
        builder.Services.AddKeyedSingleton<Channels.IMessageChannel>(ReminderMethod.Email, _email);
        _app = builder.Build();
        _app.MapNotificationEndpoints();
        await _app.StartAsync();
        await _app.Services.GetServices<IHostedService>().OfType<ReminderTimer>().Single().ExecuteTask!;
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
    public async Task Post_with_an_empty_body_and_the_app_token_answers_200_and_sends_the_due_reminders()
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", DateTimeOffset.UtcNow.AddHours(3)));

        using var response = await PostAsync(AppToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _email.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Post_answers_200_even_when_the_scan_fails()
    {
        _schedule.QueryFails = true;

        using var response = await PostAsync(AppToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("app-token-2")]
    public async Task Post_without_the_app_token_is_401_and_scans_nothing(string? token)
    {
        _schedule.Add(InMemorySchedule.Appointment("a1", DateTimeOffset.UtcNow.AddHours(3)));
        var queries = _schedule.Queries;

        using var response = await PostAsync(token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        _schedule.Queries.Should().Be(queries);
        _email.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task With_the_in_process_timer_on_as_in_Embedded_mode_the_route_does_not_exist()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IStateStore>(_store);
        builder.Services.AddSingleton<IAppointmentSchedule>(_schedule);
        builder.AddNotificationsModule();
        builder.Services.AddKeyedSingleton<Channels.IMessageChannel>(ReminderMethod.Email, _email);
        await using var embedded = builder.Build();
        embedded.MapNotificationEndpoints();
        await embedded.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(embedded.Urls.First()) };

        using var response = await http.PostAsync(new Uri("/reminder-cron", UriKind.Relative), content: null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await embedded.StopAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/reminder-cron", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return _http.SendAsync(request);
    }
}
