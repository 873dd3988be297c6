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
    public void User_service_calls_have_a_timeout_a_retry_and_a_circuit_breaker(string file)
    {
        var userService = Spec(file)["targets"]["apps"]["user-service"];

        userService["timeout"].Text.Should().NotBeNullOrEmpty();
        userService["retry"].Text.Should().NotBeNullOrEmpty();
        userService["circuitBreaker"].Text.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void State_store_calls_have_a_timeout(string file)
    {
        Spec(file)["targets"]["components"]["statestore"]["outbound"]["timeout"].Text.Should().NotBeNullOrEmpty();
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

    private static Node Spec(string file) => Repo.Load(file).Single(manifest => manifest.Kind == "Resiliency").Root["spec"];

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
