using System.Net;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>The double as daprd with <c>dapr.io/api-token-secret</c> and <c>dapr.io/app-token-secret</c> (DAPR.md, "Service invocation").</summary>
public sealed class ApiTokenTests : SidecarTest
{
    private const string Token = "api-token-1";
    private const string AppToken = "app-token-1";
    private readonly HttpClient _http = new();

    protected override DaprSidecarOptions Options => new() { ApiToken = Token, AppToken = AppToken };

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Http_calls_without_the_token_are_401(string? token)
    {
        await using var app = await RecordingApp.StartAsync(_ => Task.CompletedTask);
        Sidecar.MapApp("user-service", app.Url);

        using var invoke = await SendAsync(HttpMethod.Get, "/v1.0/invoke/user-service/method/api/auth/user/ana", token);
        using var metadata = await SendAsync(HttpMethod.Get, "/v1.0/metadata", token);

        invoke.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await invoke.Content.ReadAsStringAsync()).Should().Be("invalid api token");
        metadata.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        app.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task With_the_token_invocation_goes_through_and_the_token_is_not_passed_on_to_the_target()
    {
        await using var app = await RecordingApp.StartAsync(_ => Task.CompletedTask);
        Sidecar.MapApp("user-service", app.Url);

        using var response = await SendAsync(HttpMethod.Get, "/v1.0/invoke/user-service/method/api/auth/user/ana", Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        app.Requests.Should().ContainSingle().Which.Headers.Should().NotContainKey("dapr-api-token");
    }

    [Theory]
    [InlineData("/v1.0/healthz")]
    [InlineData("/v1.0/healthz/outbound")]
    public async Task Health_answers_without_the_token(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token: null);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Grpc_calls_without_the_token_are_Unauthenticated_and_the_SDK_with_the_token_gets_through()
    {
        using var withToken = new DaprClientBuilder().UseGrpcEndpoint(Sidecar.GrpcEndpoint).UseDaprApiToken(Token).Build();

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.GetStateAsync<string>(Store, "k"));
        await withToken.SaveStateAsync(Store, "k", "v");

        StatusOf(error).Should().Be(StatusCode.Unauthenticated);
        (await withToken.GetStateAsync<string>(Store, "k")).Should().Be("v");
    }

    [Fact]
    public async Task The_cron_trigger_carries_the_app_token()
    {
        await using var app = await RecordingApp.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });

        using var response = await Sidecar.TriggerCronAsync(app.Url);

        app.Requests.Should().ContainSingle().Which.Headers["dapr-api-token"].Should().Be(AppToken);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, Sidecar.HttpEndpoint + path);
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return _http.SendAsync(request);
    }
}
