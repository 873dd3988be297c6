using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>Service invocation over the sidecar's HTTP API, as a plain HttpClient uses it.</summary>
public sealed class InvocationTests : SidecarTest
{
    private readonly HttpClient _http = new();

    [Fact]
    public async Task Invoking_forwards_method_path_query_headers_and_body_and_returns_the_answer_unchanged()
    {
        await using var app = await RecordingApp.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers["X-Reply"] = "yes";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"created":true}""");
        });
        Sidecar.MapApp("user-service", app.Url);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/users/ana?full=1")
        {
            Content = new StringContent("""{"name":"ana"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "token-1");

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.GetValues("X-Reply").Should().Equal("yes");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"created":true}""");
        var received = app.Requests.Should().ContainSingle().Subject;
        received.Method.Should().Be("PUT");
        received.PathAndQuery.Should().Be("/api/users/ana?full=1");
        received.Headers["Authorization"].Should().Be("Bearer token-1");
        received.Headers["Content-Type"].Should().StartWith("application/json");
        Encoding.UTF8.GetString(received.Body).Should().Be("""{"name":"ana"}""");
    }

    [Fact]
    public async Task A_404_from_the_target_comes_back_as_a_404_with_its_body()
    {
        await using var app = await RecordingApp.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("no such user");
        });
        Sidecar.MapApp("user-service", app.Url);

        using var response = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/nobody");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Be("no such user");
    }

    [Fact]
    public async Task The_dapr_app_id_header_form_reaches_the_same_target()
    {
        await using var app = await RecordingApp.StartAsync(context => context.Response.WriteAsync("hello"));
        Sidecar.MapApp("user-service", app.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sidecar.HttpEndpoint}/api/auth/user/ana");
        request.Headers.Add("dapr-app-id", "user-service");

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("hello");
        app.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/api/auth/user/ana");
    }

    [Theory]
    [InlineData("alice", "/api/auth/user/alice")]
    [InlineData("caf%C3%A9", "/api/auth/user/caf%C3%A9")]
    [InlineData("a%2Fb", "/api/auth/user/a/b")]
    [InlineData("a%3Fb", "/api/auth/user/a?b")]
    [InlineData("a%23b", "/api/auth/user/a")]
    [InlineData("..%2F..%2Fadmin", "/api/admin")]
    [InlineData("a%2541", "/api/auth/user/aA")]
    public async Task The_invoked_path_is_decoded_and_cleaned_before_it_is_sent_on_so_escaped_characters_do_not_arrive_as_sent(string username, string arrives)
    {
        await using var app = await RecordingApp.StartAsync(_ => Task.CompletedTask);
        Sidecar.MapApp("user-service", app.Url);

        using var viaPath = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/{username}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Sidecar.HttpEndpoint}/api/auth/user/{username}");
        request.Headers.Add("dapr-app-id", "user-service");
        using var viaHeader = await _http.SendAsync(request);

        app.Requests.Select(r => r.PathAndQuery).Should().Equal(arrives, arrives);
    }

    [Fact]
    public async Task An_escaped_percent_that_decodes_to_a_malformed_escape_fails_with_ERR_DIRECT_INVOKE()
    {
        await using var app = await RecordingApp.StartAsync(_ => Task.CompletedTask);
        Sidecar.MapApp("user-service", app.Url);

        using var response = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/a%25zz");

        await ShouldBeDirectInvokeError(response);
        app.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_app_gives_500_with_ERR_DIRECT_INVOKE()
    {
        using var response = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/invoke/nobody/method/anything");

        await ShouldBeDirectInvokeError(response);
    }

    [Fact]
    public async Task An_unreachable_app_gives_500_with_ERR_DIRECT_INVOKE()
    {
        var app = await RecordingApp.StartAsync(_ => Task.CompletedTask);
        var url = app.Url;
        await app.DisposeAsync();
        Sidecar.MapApp("user-service", url);

        using var response = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/ana");

        await ShouldBeDirectInvokeError(response);
    }

    [Theory]
    [InlineData("/v1.0/healthz")]
    [InlineData("/v1.0/healthz/outbound")]
    public async Task Health_endpoints_answer_204(string path)
    {
        using var response = await _http.GetAsync(Sidecar.HttpEndpoint + path);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Metadata_names_the_app_id()
    {
        using var response = await _http.GetAsync($"{Sidecar.HttpEndpoint}/v1.0/metadata");

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("id").GetString().Should().Be("appointments");
    }

    private static async Task ShouldBeDirectInvokeError(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }
}
