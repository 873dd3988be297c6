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
    }

    [Fact]
    public void Container_secret_references_resolve_to_the_secret_template()
    {
        var template = ComponentTests.SecretTemplate();
        var keys = template.Root["stringData"].Members.Keys;
        var fromSecrets = Container["envFrom"].Items.Select(item => item["secretRef"]).Where(reference => reference.Exists).ToList();
        var keyRefs = Container["env"].Items.Select(item => item["valueFrom"]["secretKeyRef"]).Where(reference => reference.Exists).ToList();

        (fromSecrets.Count + keyRefs.Count).Should().BePositive("the service needs JWT_SECRET_KEY from the secret");
        foreach (var reference in fromSecrets)
        {
            reference["name"].Text.Should().Be(template.Name);
        }

        foreach (var reference in keyRefs)
        {
            reference["name"].Text.Should().Be(template.Name);
            keys.Should().Contain(reference["key"].Text);
        }
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
