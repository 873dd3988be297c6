using System.Net;
using System.Text;

namespace Appointments.Host.Tests;

/// <summary>A host with a write limit of 5 a minute per caller and the read limit switched off (0).</summary>
public sealed class RateLimitedApp : EmbeddedApp
{
    public const int WritesPerMinute = 5;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["RateLimits:WritesPerMinute"] = $"{WritesPerMinute}";
        settings["RateLimits:ReadsPerMinute"] = "0";
    }
}

/// <summary>API.md's "Rate limits": per caller, 429 with Retry-After and a message, and one caller's burst never slows another.</summary>
public sealed class RateLimitTests(RateLimitedApp app) : ApiTestBase<RateLimitedApp>(app)
{
    [Fact]
    public async Task A_callers_burst_past_the_write_limit_is_429_with_retry_after_while_another_caller_racing_it_is_served()
    {
        var greedy = App.NewPatient(out _);
        var modest = App.NewPatient(out _);

        // 20 writes of one caller and 5 of another, released at once; "{}" is a write the handler refuses quickly.
        var results = await Race(25, i => PostRaw(i < 20 ? greedy : modest, "{}"));

        results.Take(20).Count(s => s == HttpStatusCode.BadRequest).Should().Be(RateLimitedApp.WritesPerMinute);
        results.Take(20).Count(s => s == HttpStatusCode.TooManyRequests).Should().Be(20 - RateLimitedApp.WritesPerMinute);
        results.Skip(20).Should().OnlyContain(s => s == HttpStatusCode.BadRequest, "one caller's burst takes nothing from another");

        var refused = await PostRaw(greedy, "{}");
        await ShouldBeProblem(refused, HttpStatusCode.TooManyRequests, "Too many requests");
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Reads_are_not_limited_when_their_limit_is_0_even_for_a_caller_out_of_writes()
    {
        var client = App.NewPatient(out _);
        for (var i = 0; i < RateLimitedApp.WritesPerMinute; i++)
        {
            await client.DeleteAsync("/api/appointments/65f1c2a9e4b0a1b2c3d4e5f6");
        }

        var writes = await Race(3, _ => client.PutAsync("/api/appointments/65f1c2a9e4b0a1b2c3d4e5f6", new StringContent("{}", Encoding.UTF8, "application/json")));
        var reads = await Race(50, _ => client.GetAsync("/api/appointments"));

        writes.Should().OnlyContain(s => s == HttpStatusCode.TooManyRequests);
        reads.Should().OnlyContain(s => s == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_without_a_caller_are_401_not_429()
    {
        var anonymous = App.Client();

        var results = await Race(20, _ => PostRaw(anonymous, "{}"));

        results.Should().OnlyContain(s => s == HttpStatusCode.Unauthorized);
    }
}
