using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// Service invocation under a Resiliency policy, as daprd runs it (DAPR.md, "Service invocation"), and this repo's
/// policy for <c>user-service</c> seen from a caller: a run of unknown users does not stop the next lookup.
/// </summary>
public sealed class ResiliencyTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private RecordingApp _users = null!;

    public async Task InitializeAsync() =>
        _users = await RecordingApp.StartAsync(context =>
        {
            var name = context.Request.Path.Value!.Split('/')[^1];
            context.Response.StatusCode = name switch
            {
                "ana" => StatusCodes.Status200OK,
                "flaky" => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status404NotFound,
            };
            return Task.CompletedTask;
        });

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task With_this_repos_policy_a_run_of_unknown_users_does_not_stop_the_next_lookup()
    {
        await using var sidecar = await StartAsync(AppResiliency.Load(Path.Combine(RepositoryRoot(), "components", "resiliency.yaml")));

        var unknown = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            unknown.Add(await LookUpAsync(sidecar, $"nobody-{i}"));
        }

        unknown.Should().AllBeEquivalentTo(HttpStatusCode.NotFound);
        (await LookUpAsync(sidecar, "ana")).Should().Be(HttpStatusCode.OK);
        _users.Requests.Should().HaveCount(11, "a 404 is an answer, never retried");
    }

    [Fact]
    public async Task A_circuit_breaker_counts_404s_as_failures_so_five_unknown_users_open_it_and_the_next_lookup_fails()
    {
        await using var sidecar = await StartAsync(new Dictionary<string, AppResiliency>
        {
            ["user-service"] = new(CircuitBreaker: new CircuitBreakerPolicy(ConsecutiveFailures: 5, OpenFor: TimeSpan.FromMinutes(1))),
        });

        for (var i = 0; i < 5; i++)
        {
            (await LookUpAsync(sidecar, $"nobody-{i}")).Should().Be(HttpStatusCode.NotFound);
        }

        using var blocked = await _http.GetAsync($"{sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/ana");

        blocked.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        JsonDocument.Parse(await blocked.Content.ReadAsStringAsync()).RootElement.GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
        _users.Requests.Should().HaveCount(5, "an open breaker does not call the app");
    }

    [Fact]
    public async Task A_retry_with_matching_repeats_only_the_statuses_it_names_and_then_answers_the_last_one()
    {
        await using var sidecar = await StartAsync(new Dictionary<string, AppResiliency>
        {
            ["user-service"] = new(Retry: new RetryPolicy(MaxRetries: 2, Delay: TimeSpan.FromMilliseconds(10), HttpStatusCodes: [(500, 599)])),
        });

        var notFound = await LookUpAsync(sidecar, "nobody");
        var unavailable = await LookUpAsync(sidecar, "flaky");

        notFound.Should().Be(HttpStatusCode.NotFound);
        unavailable.Should().Be(HttpStatusCode.ServiceUnavailable);
        _users.Requests.Select(r => r.PathAndQuery.Split('/')[^1]).Should().Equal("nobody", "flaky", "flaky", "flaky");
    }

    [Fact]
    public async Task A_retry_without_matching_repeats_a_404_too()
    {
        await using var sidecar = await StartAsync(new Dictionary<string, AppResiliency>
        {
            ["user-service"] = new(Retry: new RetryPolicy(MaxRetries: 2, Delay: TimeSpan.FromMilliseconds(10))),
        });

        (await LookUpAsync(sidecar, "nobody")).Should().Be(HttpStatusCode.NotFound);

        _users.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task The_timeout_bounds_each_attempt_so_a_retry_after_a_slow_attempt_can_still_succeed()
    {
        var calls = 0;
        await using var slowOnce = await RecordingApp.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
        });
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            Resiliency = new Dictionary<string, AppResiliency>
            {
                ["user-service"] = new(Timeout: TimeSpan.FromSeconds(2), Retry: new RetryPolicy(1, TimeSpan.FromMilliseconds(10), [(500, 599)])),
            },
        });
        sidecar.MapApp("user-service", slowOnce.Url);

        using var response = await _http.GetAsync($"{sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/ana");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        slowOnce.Requests.Should().HaveCount(2);
    }

    private async Task<DaprSidecarDouble> StartAsync(IReadOnlyDictionary<string, AppResiliency> resiliency)
    {
        var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { Resiliency = resiliency });
        sidecar.MapApp("user-service", _users.Url);
        return sidecar;
    }

    private async Task<HttpStatusCode> LookUpAsync(DaprSidecarDouble sidecar, string username)
    {
        using var response = await _http.GetAsync($"{sidecar.HttpEndpoint}/v1.0/invoke/user-service/method/api/auth/user/{username}");
        return response.StatusCode;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appointments.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Appointments.sln above {AppContext.BaseDirectory}");
    }
}
