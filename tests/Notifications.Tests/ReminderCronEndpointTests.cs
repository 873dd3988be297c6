using System.Net;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>POST /reminder-cron, as Dapr's cron input binding calls it with the app token, on a real web host with Booking in it.</summary>
public sealed class ReminderCronEndpointTests : IAsyncLifetime
{
    private const string AppToken = "app-token-1";
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);
    private readonly ScriptedChannel _email = new();
    private readonly HttpClient _http = new();
    private readonly ClinicHost _clinic;

    public ReminderCronEndpointTests()
    {
        // Notices off: their start-up scan could otherwise send a booking's confirmation through this channel.
        _clinic = new ClinicHost(_clock, settings: new Dictionary<string, string?> { ["APP_API_TOKEN"] = AppToken, ["Notices:Enabled"] = "false" }, email: _email, web: true);
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        await _clinic.Host.StartAsync();
        await _clinic.StartUpScan;
        _http.BaseAddress = _clinic.Url;
    }

    public async Task DisposeAsync()
    {
        await _clinic.Host.StopAsync();
        _clinic.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task Post_with_an_empty_body_and_the_app_token_answers_200_and_sends_the_due_reminders()
    {
        var start = Now.AddHours(3);
        var id = await _clinic.BookAsync("alice", start);

        using var response = await PostAsync(AppToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _email.Sent.Should().ContainSingle();
        (await _clinic.ClaimAsync(id, start))!.Status.Should().Be("sent");
    }

    [Fact]
    public async Task Post_answers_200_even_when_the_scan_fails_and_the_next_one_sends()
    {
        await _clinic.BookAsync("alice", Now.AddHours(3));
        _clinic.Store.Down = true;

        using var failed = await PostAsync(AppToken);
        _clinic.Store.Down = false;
        using var next = await PostAsync(AppToken);

        failed.StatusCode.Should().Be(HttpStatusCode.OK, "daprd ignores the answer; the scan logs what went wrong");
        _clinic.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Reminder scan stopped", StringComparison.Ordinal));
        next.StatusCode.Should().Be(HttpStatusCode.OK);
        _email.Sent.Should().ContainSingle();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("app-token-2")]
    public async Task Post_without_the_app_token_is_401_and_sends_nothing(string? token)
    {
        var start = Now.AddHours(3);
        var id = await _clinic.BookAsync("alice", start);

        using var response = await PostAsync(token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        _email.Attempts.Should().Be(0);
        (await _clinic.ClaimAsync(id, start)).Should().BeNull("no scan claimed the reminder that was due");
    }

    [Fact]
    public async Task Post_with_the_app_token_through_service_invocation_is_403_and_sends_nothing()
    {
        var start = Now.AddHours(3);
        var id = await _clinic.BookAsync("alice", start);

        // What daprd delivers when another app of the mesh invokes this route: its app id, and the app token daprd adds to every call.
        using var response = await PostAsync(AppToken, caller: "another-app");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"forbidden\"");
        _email.Attempts.Should().Be(0);
        (await _clinic.ClaimAsync(id, start)).Should().BeNull("no scan claimed the reminder that was due");
        _clinic.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("another-app", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_in_process_timer_on_as_in_Embedded_mode_the_route_does_not_exist()
    {
        using var embedded = new ClinicHost(_clock, module: new NotificationsSettings(), email: new ScriptedChannel(), web: true);
        await embedded.Host.StartAsync();
        using var http = new HttpClient { BaseAddress = embedded.Url };

        using var response = await http.PostAsync(new Uri("/reminder-cron", UriKind.Relative), content: null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await embedded.Host.StopAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string? token, string? caller = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/reminder-cron", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        if (caller is not null)
        {
            request.Headers.Add("dapr-caller-app-id", caller);
        }

        return _http.SendAsync(request);
    }
}
