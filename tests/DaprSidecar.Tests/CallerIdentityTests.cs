using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// How an app tells a service invocation from its own cron binding (DAPR.md, "Third reading"): both carry the app
/// token, only an invocation carries the caller's identity, which daprd stamps after stripping whatever the caller sent.
/// </summary>
public sealed class CallerIdentityTests : SidecarTest
{
    private const string AppToken = "app-token-for-caller-tests";

    protected override DaprSidecarOptions Options => new() { AppToken = AppToken };

    [Fact]
    public async Task An_invocation_reaches_its_target_with_the_callers_app_id_not_one_the_caller_made_up()
    {
        await using var app = await Answering200();
        Sidecar.MapApp("user-service", app.Url);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/profile");
        request.Headers.Add(CallerHeaders.CallerAppId, "someone-trusted");

        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        var headers = app.Requests.Should().ContainSingle().Subject.Headers;
        headers[CallerHeaders.CallerAppId].Should().Be("appointments");
        headers[CallerHeaders.CalleeAppId].Should().Be("user-service");
        headers[CallerHeaders.CallerNamespace].Should().Be(CallerHeaders.Namespace);
    }

    [Fact]
    public async Task An_invocation_from_another_app_carries_the_app_token_as_a_cron_trigger_does_but_also_the_callers_app_id()
    {
        await using var app = await Answering200();
        Sidecar.AppUrl = app.Url;

        (await Sidecar.DeliverInvocationAsync("intruder", "reminder-cron")).EnsureSuccessStatusCode();
        (await Sidecar.TriggerCronAsync("reminder-cron")).EnsureSuccessStatusCode();

        var (invocation, cron) = (app.Requests.First(), app.Requests.Last());
        invocation.PathAndQuery.Should().Be("/reminder-cron");
        invocation.Headers["dapr-api-token"].Should().Be(AppToken);
        invocation.Headers[CallerHeaders.CallerAppId].Should().Be("intruder");
        cron.Headers["dapr-api-token"].Should().Be(AppToken);
        cron.Headers.Should().NotContainKey(CallerHeaders.CallerAppId);
    }

    private static Task<RecordingApp> Answering200() => RecordingApp.StartAsync(context =>
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    });
}
