using System.Globalization;
using System.Text.RegularExpressions;

namespace Appointments.Deployment.Tests;

/// <summary>
/// What a real cluster would do to the app and the sidecar double cannot show (DAPR.md, "Third reading"), held to the
/// manifests: daprd starting at all, its shutdown around the app's last send, who may call the app, MongoDB's
/// majority and TLS, email over TLS, and the smoke test that checks the rest on a cluster.
/// </summary>
public sealed partial class ProductionManifestTests
{
    private const string ClusterResiliency = "deploy/k8s/resiliency.yaml";
    private static readonly Node Deployment = Repo.Load("deploy/k8s/appointments.yaml").Single(manifest => manifest.Kind == "Deployment").Root;
    private static readonly Node PodSpec = Deployment["spec"]["template"]["spec"];
    private static readonly Node Annotations = Deployment["spec"]["template"]["metadata"]["annotations"];

    private static string DeployReadme => File.ReadAllText(Repo.PathOf("deploy/README.md"));

    private static string Smoke => File.ReadAllText(Repo.PathOf("deploy/smoke/run.sh"));

    [Fact]
    public void Without_a_service_account_token_daprds_builtin_Kubernetes_secret_store_is_off_or_daprd_would_exit()
    {
        PodSpec["automountServiceAccountToken"].Text.Should().Be("false");
        Annotations["dapr.io/disable-builtin-k8s-secret-store"].Text.Should().Be("true");
    }

    [Fact]
    public void A_pod_outlives_the_send_in_progress_its_record_and_daprds_own_shutdown()
    {
        // What the app waits for at a stop: the send (never cancelled) and its claim's record, two state store calls
        // at the resiliency policy's timeout (NotificationsModule.RecordAfterSend).
        var send = ResiliencyTests.AppSetting("Reminders:SendTimeout");
        var record = 2 * ResiliencyTests.OutboundTimeout(ClusterResiliency, "statestore");
        var block = GoDuration.Parse(Annotations["dapr.io/block-shutdown-duration"].Text);
        var daprdShutdown = TimeSpan.FromSeconds(int.Parse(Annotations["dapr.io/graceful-shutdown-seconds"].Text ?? "5", CultureInfo.InvariantCulture));
        var pod = TimeSpan.FromSeconds(int.Parse(PodSpec["terminationGracePeriodSeconds"].Text ?? "30", CultureInfo.InvariantCulture));

        block.Should().BeGreaterThanOrEqualTo(send + record, "daprd must serve the app's last send and its record before it shuts down");
        pod.Should().BeGreaterThan(block + daprdShutdown, "Kubernetes kills whatever still runs when the grace period ends");
    }

    [Fact]
    public void Every_other_app_of_the_mesh_is_denied_service_invocation_of_this_one()
    {
        var configuration = Repo.Load("deploy/k8s/configuration.yaml").Single(manifest => manifest.Kind == "Configuration");
        var access = configuration.Root["spec"]["accessControl"];

        Annotations["dapr.io/config"].Text.Should().Be(configuration.Name);
        access["defaultAction"].Text.Should().Be("deny");
        access["trustDomain"].Text.Should().NotBeNullOrEmpty();
        access["policies"].Items.Should().BeEmpty("no app has to call this one: patients come through the ingress, cron from its own sidecar");
    }

    [Fact]
    public void A_rollout_stops_the_old_version_before_it_starts_the_new_one_as_the_README_says()
    {
        Deployment["spec"]["strategy"]["type"].Text.Should().Be("Recreate");
        DeployReadme.Should().Contain("`strategy: Recreate`");
    }

    [Fact]
    public void MongoDB_is_reached_over_TLS_on_three_data_bearing_members()
    {
        // mongodb://user:password@host,host,host/database?options: System.Uri does not take several hosts.
        var uri = ComponentTests.SecretTemplate().Root["stringData"]["MONGO_URI"].Text!;
        var authority = uri["mongodb://".Length..uri.IndexOf('/', "mongodb://".Length)];
        var hosts = authority[(authority.LastIndexOf('@') + 1)..].Split(',');
        var options = uri[(uri.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&');

        hosts.Should().HaveCount(3, "majority writes commit only while two data-bearing members are up");
        options.Should().Contain("tls=true").And.Contain(option => option.StartsWith("replicaSet=", StringComparison.Ordinal));
        foreach (var install in new[] { DeployReadme, Smoke })
        {
            install.Should().Contain("replicaCount=3").And.Contain("arbiter.enabled=false", "an arbiter holds no data").And.Contain("tls.enabled=true");
        }
    }

    [Fact]
    public void Email_leaves_over_implicit_TLS_or_through_the_relay_the_README_names()
    {
        ComponentTests.SecretTemplate().Root["stringData"]["SMTP_PORT"].Text.Should().Be("465", "any other port is STARTTLS only if the server offers it");
        DeployReadme.Should().Contain("465").And.Contain("relay");
    }

    [Fact]
    public void The_README_names_no_count_of_notice_lists_it_says_notices_wait_in_the_outbox()
    {
        DeployReadme.Should().NotMatchRegex(ListCount().ToString()).And.Contain("outbox");
    }

    [Fact]
    public void The_smoke_test_rolls_out_during_sends_and_calls_a_cron_route_from_another_app()
    {
        Smoke.Should().Contain("kubectl rollout restart deployment/appointments")
            .And.Contain("Notices__ClaimLease", "a duplicate shows only once the old claim's lease has ended")
            .And.Contain("/v1.0/invoke/appointments/method/reminder-cron");
        DeployReadme.Should().Contain("cannot prove");
    }

    [GeneratedRegex(@"\d[\d,]* (pending[- ]index )?(shards|lists)")]
    private static partial Regex ListCount();
}
