namespace Appointments.Deployment.Tests;

public sealed class KubernetesTests
{
    private static readonly IReadOnlyList<Manifest> App = Repo.Load("deploy/k8s/appointments.yaml");
    private static readonly Manifest Deployment = App.Single(manifest => manifest.Kind == "Deployment");
    private static readonly Node PodTemplate = Deployment.Root["spec"]["template"];
    private static readonly Node Container = PodTemplate["spec"]["containers"].Items.Single();

    [Fact]
    public void Deployment_runs_at_least_two_replicas()
    {
        int.Parse(Deployment.Root["spec"]["replicas"].Text!).Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void Pods_get_a_Dapr_sidecar_as_appointments_on_port_5001()
    {
        var annotations = PodTemplate["metadata"]["annotations"];

        annotations["dapr.io/enabled"].Text.Should().Be("true");
        annotations["dapr.io/app-id"].Text.Should().Be("appointments");
        annotations["dapr.io/app-port"].Text.Should().Be("5001");
    }

    [Fact]
    public void Pods_use_the_Dapr_configuration_that_is_deployed_with_them()
    {
        var configuration = Repo.Load("deploy/k8s/configuration.yaml").Single(manifest => manifest.Kind == "Configuration");

        PodTemplate["metadata"]["annotations"]["dapr.io/config"].Text.Should().Be(configuration.Name);
    }

    [Fact]
    public void Kubernetes_probes_the_health_endpoints_on_the_app_port()
    {
        Container["livenessProbe"]["httpGet"]["path"].Text.Should().Be("/health/live");
        Container["livenessProbe"]["httpGet"]["port"].Text.Should().Be("5001");
        Container["readinessProbe"]["httpGet"]["path"].Text.Should().Be("/health/ready");
        Container["readinessProbe"]["httpGet"]["port"].Text.Should().Be("5001");
    }

    [Fact]
    public void Container_runs_in_Dapr_mode_listening_on_5001_in_Production()
    {
        var env = Container["env"].Items.ToDictionary(item => item["name"].Text!, item => item["value"].Text);

        env.Should().Contain("Runtime__Mode", "Dapr");
        env.Should().Contain("ASPNETCORE_URLS", "http://+:5001");
        env.Should().Contain("ASPNETCORE_ENVIRONMENT", "Production");
        env.Should().Contain("Audit__File", "-", "the root filesystem is read-only: the audit trail goes to the log pipeline");
    }

    [Fact]
    public void The_container_gets_only_the_secrets_the_app_reads_in_Dapr_mode_each_from_a_key_of_the_template()
    {
        var templates = ComponentTests.SecretTemplates().ToDictionary(secret => secret.Name!);
        var fromSecrets = Container["env"].Items.Where(item => item["valueFrom"]["secretKeyRef"].Exists).ToList();

        Container["envFrom"].Exists.Should().BeFalse("a whole secret would hand the app the components' credentials too");
        fromSecrets.Select(item => item["name"].Text).Should().BeEquivalentTo("JWT_SECRET_KEY", "EMAIL_ADDRESS", "DAPR_API_TOKEN", "APP_API_TOKEN");
        fromSecrets.Select(item => item["valueFrom"]["secretKeyRef"]).Should().AllSatisfy(reference =>
            templates[reference["name"].Text!].Root["stringData"].Members.Keys.Should().Contain(reference["key"].Text));
    }

    [Theory]
    [InlineData("dapr.io/api-token-secret", "DAPR_API_TOKEN")]
    [InlineData("dapr.io/app-token-secret", "APP_API_TOKEN")]
    public void Both_Dapr_tokens_are_on_and_the_app_gets_the_same_secret_as_its_sidecar(string annotation, string variable)
    {
        var secret = PodTemplate["metadata"]["annotations"][annotation].Text;
        var reference = Container["env"].Items.Single(item => item["name"].Text == variable)["valueFrom"]["secretKeyRef"];

        secret.Should().NotBeNullOrEmpty();
        reference["name"].Text.Should().Be(secret, "the injector gives the token to daprd only");
        reference["key"].Text.Should().Be("token", "daprd reads the key 'token' of that secret");
        ComponentTests.SecretTemplates().Should().Contain(template => template.Name == secret);
    }

    [Fact]
    public void Pods_run_as_non_root_with_the_runtime_default_seccomp_profile()
    {
        var pod = PodTemplate["spec"]["securityContext"];

        pod["runAsNonRoot"].Text.Should().Be("true");
        pod["runAsUser"].Text.Should().NotBe("0");
        pod["seccompProfile"]["type"].Text.Should().Be("RuntimeDefault");
    }

    [Fact]
    public void The_container_drops_every_capability_cannot_escalate_and_has_a_read_only_root_filesystem()
    {
        var container = Container["securityContext"];

        container["runAsNonRoot"].Text.Should().Be("true");
        container["allowPrivilegeEscalation"].Text.Should().Be("false");
        container["readOnlyRootFilesystem"].Text.Should().Be("true");
        container["capabilities"]["drop"].Items.Select(item => item.Text).Should().Equal("ALL");
        container["capabilities"]["add"].Exists.Should().BeFalse();
    }

    [Fact]
    public void The_only_writable_place_is_an_emptyDir_at_tmp()
    {
        var mounts = Container["volumeMounts"].Items;
        var volumes = PodTemplate["spec"]["volumes"].Items.ToDictionary(volume => volume["name"].Text!);

        mounts.Select(mount => mount["mountPath"].Text).Should().Equal("/tmp");
        mounts.Should().AllSatisfy(mount => volumes[mount["name"].Text!]["emptyDir"].Exists.Should().BeTrue());
    }

    [Fact]
    public void No_service_account_token_is_mounted_and_no_role_is_granted()
    {
        var account = App.Single(manifest => manifest.Kind == "ServiceAccount");

        PodTemplate["spec"]["serviceAccountName"].Text.Should().Be(account.Name);
        PodTemplate["spec"]["automountServiceAccountToken"].Text.Should().Be("false");
        account.Root["automountServiceAccountToken"].Text.Should().Be("false");
        Repo.YamlFiles().Where(file => file.StartsWith("deploy/", StringComparison.Ordinal)).SelectMany(Repo.Load)
            .Select(manifest => manifest.Kind).Should().NotContain(["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]);
    }

    [Fact]
    public void The_app_and_its_sidecar_ask_for_resources_and_are_bounded_in_memory()
    {
        var resources = Container["resources"];
        var annotations = PodTemplate["metadata"]["annotations"];

        resources["requests"]["cpu"].Text.Should().NotBeNullOrEmpty();
        resources["requests"]["memory"].Text.Should().NotBeNullOrEmpty();
        resources["limits"]["memory"].Text.Should().NotBeNullOrEmpty();
        annotations["dapr.io/sidecar-cpu-request"].Text.Should().NotBeNullOrEmpty();
        annotations["dapr.io/sidecar-memory-request"].Text.Should().NotBeNullOrEmpty();
        annotations["dapr.io/sidecar-memory-limit"].Text.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void A_disruption_budget_keeps_a_replica_of_the_deployment_up()
    {
        var budget = App.Single(manifest => manifest.Kind == "PodDisruptionBudget");
        var minAvailable = int.Parse(budget.Root["spec"]["minAvailable"].Text!);

        SelectsThePods(budget.Root["spec"]["selector"]["matchLabels"]);
        minAvailable.Should().BeInRange(1, int.Parse(Deployment.Root["spec"]["replicas"].Text!) - 1, "a drain must still be able to move a pod");
    }

    [Fact]
    public void Only_the_ingress_controller_reaches_the_app_port_only_Dapr_sidecars_daprds_internal_port_and_only_monitoring_its_metrics()
    {
        var policy = App.Single(manifest => manifest.Kind == "NetworkPolicy").Root["spec"];
        var rules = policy["ingress"].Items;

        SelectsThePods(policy["podSelector"]["matchLabels"]);
        policy["policyTypes"].Items.Select(type => type.Text).Should().Contain("Ingress");
        rules.Should().AllSatisfy(rule =>
        {
            rule["from"].Items.Should().NotBeEmpty("a rule without 'from' lets everyone in");
            rule["ports"].Items.Should().NotBeEmpty("a rule without 'ports' opens every port");
        });
        var appPort = rules.Single(rule => rule["ports"].Items.Any(port => port["port"].Text == "5001"));
        appPort["ports"].Items.Should().ContainSingle();
        appPort["from"].Items.Should().ContainSingle().Which["namespaceSelector"]["matchLabels"].Members.Should().NotBeEmpty();
        var daprd = rules.Single(rule => rule["ports"].Items.Any(port => port["port"].Text == "50002"));
        daprd["ports"].Items.Select(port => port["port"].Text).Should().Equal("50002");
        daprd["from"].Items.Should().ContainSingle().Which["podSelector"]["matchLabels"]["dapr.io/sidecar-injected"].Text.Should().Be("true");

        // daprd serves Prometheus metrics on dapr.io/metrics-port, 9090 unless the annotation says otherwise.
        var metricsPort = PodTemplate["metadata"]["annotations"]["dapr.io/metrics-port"].Text ?? "9090";
        var metrics = rules.Single(rule => rule != appPort && rule != daprd);
        metrics["ports"].Items.Select(port => port["port"].Text).Should().Equal(metricsPort);
        var scraper = metrics["from"].Items.Should().ContainSingle().Subject;
        scraper["podSelector"].Exists.Should().BeFalse("the whole monitoring namespace, and no pod of any other");
        scraper["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"].Text.Should().Be("monitoring");
    }

    [Fact]
    public void Secret_template_has_every_variable_of_the_original_service_and_placeholders_for_credentials()
    {
        var data = ComponentTests.SecretTemplate().Root["stringData"];

        data.Members.Keys.Should().Contain(
        [
            "JWT_SECRET_KEY", "MONGO_URI", "EMAIL_ADDRESS", "EMAIL_PASSWORD", "SMTP_HOST", "SMTP_PORT",
            "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER",
        ]);
        foreach (var credential in new[] { "JWT_SECRET_KEY", "MONGO_URI", "EMAIL_PASSWORD", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN" })
        {
            data[credential].Text.Should().Contain("REPLACE_ME", $"{credential} must not be committed with a real value");
        }
    }

    private static void SelectsThePods(Node matchLabels)
    {
        var podLabels = PodTemplate["metadata"]["labels"].Members;
        matchLabels.Members.Should().NotBeEmpty().And.AllSatisfy(selector => podLabels[selector.Key].Text.Should().Be(selector.Value.Text));
    }

    [Fact]
    public void Service_sends_traffic_to_the_deployments_pods_on_5001()
    {
        var service = App.Single(manifest => manifest.Kind == "Service");
        var podLabels = PodTemplate["metadata"]["labels"].Members;

        service.Root["spec"]["selector"].Members.Should().AllSatisfy(selector =>
            podLabels[selector.Key].Text.Should().Be(selector.Value.Text));
        service.Root["spec"]["ports"].Items.Select(port => port["targetPort"].Text).Should().Contain("5001");
    }
}
