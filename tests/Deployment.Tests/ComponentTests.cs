using System.Text.RegularExpressions;

namespace Appointments.Deployment.Tests;

public sealed partial class ComponentTests
{
    private const string Local = "components";
    private const string Cluster = "deploy/k8s/components";
    private const string Alternatives = "components/alternatives";

    private static readonly string[] OriginalVariables =
    [
        "JWT_SECRET_KEY", "MONGO_URI", "USER_SERVICE_URL", "EMAIL_ADDRESS", "EMAIL_PASSWORD", "SMTP_HOST", "SMTP_PORT",
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER", "TWILIO_API_URL",
    ];

    public static TheoryData<string, string, string> ComponentsTheCodeUses() => new()
    {
        { Local, "statestore", "state.mongodb" },
        { Local, "reminder-cron", "bindings.cron" },
        { Local, "notice-cron", "bindings.cron" },
        { Local, "email", "bindings.smtp" },
        { Local, "sms", "bindings.twilio.sms" },
        { Local, "secretstore", "secretstores.local.env" },
        { Cluster, "statestore", "state.mongodb" },
        { Cluster, "reminder-cron", "bindings.cron" },
        { Cluster, "notice-cron", "bindings.cron" },
        { Cluster, "email", "bindings.smtp" },
        { Cluster, "sms", "bindings.twilio.sms" },
    };

    public static TheoryData<string> ComponentFolders() => new(Local, Cluster);

    [Theory]
    [MemberData(nameof(ComponentsTheCodeUses))]
    public void The_component_the_code_uses_is_defined_with_its_type(string folder, string name, string type)
    {
        Components(folder).Should().ContainSingle(component => component.Name == name)
            .Which.Type.Should().Be(type);
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void No_two_components_in_a_folder_share_a_name(string folder)
    {
        Components(folder).Select(component => component.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_alternative_state_store_is_named_statestore_so_it_swaps_in_without_code_changes()
    {
        var alternatives = Repo.ManifestsIn(Alternatives);

        alternatives.Should().NotBeEmpty();
        alternatives.Should().AllSatisfy(alternative =>
        {
            alternative.Kind.Should().Be("Component");
            alternative.Name.Should().Be("statestore");
            alternative.Type.Should().StartWith("state.");
        });
    }

    [Fact]
    public void The_only_alternative_is_postgresql_v2_because_redis_does_not_roll_back_a_failed_transaction()
    {
        Repo.ManifestsIn(Alternatives).Select(alternative => (alternative.Type, alternative.Root["spec"]["version"].Text))
            .Should().Equal([("state.postgresql", "v2")]);
        File.ReadAllText(Repo.PathOf("components/alternatives/README.md")).Should().Contain("Redis is not offered");
    }

    [Fact]
    public void The_cluster_has_no_secret_store_component_because_the_app_reads_no_secret_through_Dapr()
    {
        Components(Cluster).Should().NotContain(component => component.Type!.StartsWith("secretstores.", StringComparison.Ordinal));
        Components(Cluster).Where(component => Metadata(component).Any(IsSecretRef))
            .Should().AllSatisfy(component => component.Root["auth"]["secretStore"].Text.Should().Be("kubernetes", "the operator resolves these"));
    }

    [Fact]
    public void Every_component_and_resiliency_policy_is_scoped_to_appointments_only()
    {
        var scoped = AllManifests().Where(manifest => manifest.Kind is "Component" or "Resiliency").ToList();

        scoped.Should().NotBeEmpty();
        scoped.Should().AllSatisfy(manifest =>
            manifest.Root["scopes"].Items.Select(scope => scope.Text).Should().Equal(["appointments"], manifest.ToString()));
    }

    [Fact]
    public void No_component_holds_a_literal_secret()
    {
        foreach (var component in AllComponents())
        {
            foreach (var item in Metadata(component))
            {
                var name = item["name"].Text ?? "";
                var because = $"{name} of {component}";
                if (LooksSensitive(name))
                {
                    item["secretKeyRef"]["name"].Text.Should().NotBeNullOrEmpty(because);
                    item["value"].Exists.Should().BeFalse(because);
                }

                (item["value"].Text ?? "").Should().NotMatchRegex(CredentialsInUri().ToString(), because);
            }
        }
    }

    [Fact]
    public void Components_that_use_secrets_name_a_secret_store_that_exists()
    {
        foreach (var component in AllComponents().Where(component => Metadata(component).Any(IsSecretRef)))
        {
            var store = component.Root["auth"]["secretStore"].Text;
            var storesInFolder = Components(component.File.StartsWith(Cluster, StringComparison.Ordinal) ? Cluster : Local)
                .Where(candidate => candidate.Type?.StartsWith("secretstores.", StringComparison.Ordinal) == true)
                .Select(candidate => candidate.Name);

            // Dapr provides a store named `kubernetes` in every cluster.
            var known = component.File.StartsWith(Cluster, StringComparison.Ordinal) ? storesInFolder.Append("kubernetes") : storesInFolder;
            known.Should().Contain(store, component.ToString());
        }
    }

    [Fact]
    public void Local_components_read_the_original_services_environment_variables()
    {
        foreach (var component in Components(Local))
        {
            foreach (var reference in Metadata(component).Where(IsSecretRef).Select(item => item["secretKeyRef"]))
            {
                reference["name"].Text.Should().BeOneOf(OriginalVariables, component.ToString());
                reference["key"].Text.Should().Be(reference["name"].Text, "an environment variable holds one value");
            }
        }
    }

    [Fact]
    public void Cluster_secret_references_resolve_to_keys_of_the_secret_template()
    {
        var template = SecretTemplate();
        var references = Components(Cluster).SelectMany(Metadata).Where(IsSecretRef).Select(item => item["secretKeyRef"]).ToList();

        references.Should().NotBeEmpty();
        references.Should().AllSatisfy(reference =>
        {
            reference["name"].Text.Should().Be(template.Name);
            template.Root["stringData"].Members.Keys.Should().Contain(reference["key"].Text);
        });
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void Sms_component_leaves_the_recipient_to_each_request(string folder)
    {
        MetadataNames(Component(folder, "sms")).Should().NotContain(name => name.Equals("toNumber", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void Email_component_leaves_recipients_and_subject_to_each_request(string folder)
    {
        MetadataNames(Component(folder, "email")).Should().NotContain(["emailTo", "emailCC", "emailBCC", "subject"]);
        MetadataNames(Component(folder, "email")).Should().Contain(["host", "port", "user", "password", "emailFrom"]);
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void Reminder_cron_fires_every_ten_minutes_on_the_clock_not_counted_from_the_sidecars_start(string folder)
    {
        var cron = Component(folder, "reminder-cron");

        // Seconds, minutes, hours, day of month, month, day of week: second 0 of minutes 0, 10, 20, …
        Value(cron, "schedule").Should().Be("0 */10 * * * *");
        Value(cron, "direction").Should().Be("input", "then daprd sends no OPTIONS probe first");
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void Notice_cron_fires_every_five_seconds_on_the_clock_so_a_notice_leaves_within_its_delay(string folder)
    {
        var cron = Component(folder, "notice-cron");

        Value(cron, "schedule").Should().Be("*/5 * * * * *");
        Value(cron, "direction").Should().Be("input");
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void The_sms_component_bounds_its_own_request_to_Twilio_below_the_sidecars_timeout(string folder)
    {
        var componentTimeout = GoDuration.Parse(Value(Component(folder, "sms"), "timeout"));

        componentTimeout.Should().BeLessThan(ResiliencyTests.OutboundTimeout(ResiliencyFile(folder), "sms"));
    }

    [Theory]
    [MemberData(nameof(ComponentFolders))]
    public void State_store_connects_with_MONGO_URI_and_writes_with_majority(string folder)
    {
        var statestore = Component(folder, "statestore");
        var connection = Metadata(statestore).Single(item => item["name"].Text == "connectionString");

        connection["secretKeyRef"]["key"].Text.Should().Be("MONGO_URI");
        Value(statestore, "writeConcern").Should().Be("majority");
        Value(statestore, "databaseName").Should().NotBeNullOrEmpty();
        Value(statestore, "collectionName").Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Secret_template_MONGO_URI_names_a_replica_set_because_transactions_need_one()
    {
        SecretTemplate().Root["stringData"]["MONGO_URI"].Text.Should().Contain("replicaSet=");
    }

    internal static Manifest SecretTemplate() => SecretTemplates().Single(manifest => manifest.Name == "appointments-secrets");

    internal static IReadOnlyList<Manifest> SecretTemplates() =>
        Repo.Load("deploy/k8s/secret.template.yaml").Where(manifest => manifest.Kind == "Secret").ToList();

    private static string ResiliencyFile(string folder) => folder == Local ? "components/resiliency.yaml" : "deploy/k8s/resiliency.yaml";

    private static IEnumerable<Manifest> AllManifests() => Repo.YamlFiles().Where(file => file != "dapr.yaml").SelectMany(Repo.Load);

    private static IEnumerable<Manifest> AllComponents() => AllManifests().Where(manifest => manifest.Kind == "Component");

    private static IEnumerable<Manifest> Components(string folder) =>
        Repo.ManifestsIn(folder).Where(manifest => manifest.Kind == "Component");

    private static Manifest Component(string folder, string name) => Components(folder).Single(component => component.Name == name);

    private static IReadOnlyList<Node> Metadata(Manifest component) => component.Root["spec"]["metadata"].Items;

    private static IEnumerable<string> MetadataNames(Manifest component) => Metadata(component).Select(item => item["name"].Text ?? "");

    private static string? Value(Manifest component, string name) =>
        Metadata(component).Single(item => item["name"].Text == name)["value"].Text;

    private static bool IsSecretRef(Node item) => item["secretKeyRef"].Exists;

    private static bool LooksSensitive(string name) =>
        new[] { "password", "token", "secret", "connectionstring", "accountsid", "user", "host", "server" }
            .Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"://[^/@\s]+:[^/@\s]+@")]
    private static partial Regex CredentialsInUri();
}
