using System.Globalization;
using System.Text.Json;

namespace Appointments.Deployment.Tests;

public sealed class ResiliencyTests
{
    public static TheoryData<string> ResiliencyFiles() => new("components/resiliency.yaml", "deploy/k8s/resiliency.yaml");

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void Retry_policies_retry_only_server_errors_and_unavailable(string file)
    {
        var retries = Spec(file)["policies"]["retries"].Members;

        retries.Should().NotBeEmpty();
        foreach (var (name, retry) in retries)
        {
            // Without `matching` Dapr retries every status >= 400, so a 404 from the user service would be retried.
            Codes(retry["matching"]["httpStatusCodes"].Text).Should().NotBeEmpty(name)
                .And.OnlyContain(code => code >= 500 && code <= 599, name);
            Codes(retry["matching"]["gRPCStatusCodes"].Text).Should().Equal([14], $"{name} may retry only gRPC UNAVAILABLE");
        }
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void User_service_calls_have_a_timeout_and_a_retry_but_no_circuit_breaker(string file)
    {
        var userService = Spec(file)["targets"]["apps"]["user-service"];

        userService["timeout"].Text.Should().NotBeNullOrEmpty();
        userService["retry"].Text.Should().NotBeNullOrEmpty();
        // daprd's breaker counts every answer outside 200-399, a 404 "no such user" included.
        userService["circuitBreaker"].Exists.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void No_app_target_has_a_circuit_breaker_where_a_4xx_is_a_normal_answer(string file)
    {
        Spec(file)["targets"]["apps"].Members.Values.Should().AllSatisfy(app => app["circuitBreaker"].Exists.Should().BeFalse());
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void The_sidecars_attempts_at_the_user_service_with_their_retries_end_within_the_apps_own_timeout(string file)
    {
        var spec = Spec(file);
        var target = spec["targets"]["apps"]["user-service"];
        var perAttempt = GoDuration.Parse(spec["policies"]["timeouts"][target["timeout"].Text!].Text);
        var retry = spec["policies"]["retries"][target["retry"].Text!];
        var retries = int.Parse(retry["maxRetries"].Text!);
        retry["policy"].Text.Should().Be("constant", "the worst case below assumes a constant delay");

        // Resiliency timeouts apply to each attempt, not to the call with its retries.
        var worstCase = (perAttempt * (retries + 1)) + (GoDuration.Parse(retry["duration"].Text) * retries);

        worstCase.Should().BeLessThan(AppSetting("UserService:Timeout"));
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void Every_email_and_sms_send_is_bounded_by_the_sidecar_before_the_apps_own_send_timeout(string file)
    {
        foreach (var binding in new[] { "email", "sms" })
        {
            OutboundTimeout(file, binding).Should().BeLessThan(AppSetting("Reminders:SendTimeout"), binding);
            Spec(file)["targets"]["components"][binding]["outbound"]["retry"].Exists.Should().BeFalse($"a retried {binding} could be sent twice");
        }
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void Every_target_names_a_policy_that_is_defined(string file)
    {
        var spec = Spec(file);
        var targets = spec["targets"]["apps"].Members.Values
            .Concat(spec["targets"]["components"].Members.Values.SelectMany(component => new[] { component["outbound"], component["inbound"] }))
            .Where(target => target.Exists)
            .ToList();

        targets.Should().NotBeEmpty();
        foreach (var target in targets)
        {
            foreach (var (kind, section) in new[] { ("timeout", "timeouts"), ("retry", "retries"), ("circuitBreaker", "circuitBreakers") })
            {
                var policy = target[kind].Text;
                if (policy is not null)
                {
                    spec["policies"][section].Members.Keys.Should().Contain(policy);
                }
            }
        }
    }

    [Fact]
    public void The_cluster_applies_the_same_policies_as_local_runs()
    {
        File.ReadAllText(Repo.PathOf("deploy/k8s/resiliency.yaml"))
            .Should().Be(File.ReadAllText(Repo.PathOf("components/resiliency.yaml")));
    }

    /// <summary>The outbound timeout the sidecar applies to calls to <paramref name="component"/>.</summary>
    internal static TimeSpan OutboundTimeout(string file, string component)
    {
        var spec = Spec(file);
        var policy = spec["targets"]["components"][component]["outbound"]["timeout"].Text;
        return GoDuration.Parse(spec["policies"]["timeouts"][policy ?? ""].Text);
    }

    private static Node Spec(string file) => Repo.Load(file).Single(manifest => manifest.Kind == "Resiliency").Root["spec"];

    /// <summary>A setting from the host's appsettings.json, where the app's own timeouts are written down.</summary>
    internal static TimeSpan AppSetting(string path)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Repo.PathOf("src/Host/appsettings.json")));
        var value = path.Split(':').Aggregate(settings.RootElement, (element, name) => element.GetProperty(name));
        return TimeSpan.Parse(value.GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Expands Dapr's code lists such as "429,500-599" into the codes they cover.</summary>
    private static IReadOnlyList<int> Codes(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(range =>
            {
                var bounds = range.Split('-').Select(int.Parse).ToArray();
                return Enumerable.Range(bounds[0], bounds[^1] - bounds[0] + 1);
            })
            .ToList();
}
