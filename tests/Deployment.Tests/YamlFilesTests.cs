namespace Appointments.Deployment.Tests;

public sealed class YamlFilesTests
{
    public static TheoryData<string> AllYamlFiles() => new(Repo.YamlFiles());

    [Theory]
    [MemberData(nameof(AllYamlFiles))]
    public void Every_yaml_file_parses(string file)
    {
        var manifests = Repo.Load(file);

        manifests.Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllYamlFiles))]
    public void Every_manifest_says_what_it_is(string file)
    {
        if (file == "dapr.yaml")
        {
            return; // the run template is not a resource
        }

        foreach (var manifest in Repo.Load(file))
        {
            manifest.Root["apiVersion"].Text.Should().NotBeNullOrEmpty(manifest.ToString());
            manifest.Kind.Should().NotBeNullOrEmpty(manifest.ToString());
            manifest.Name.Should().NotBeNullOrEmpty(manifest.ToString());
        }
    }

    [Fact]
    public void The_files_under_test_include_every_folder_the_service_deploys_from()
    {
        Repo.YamlFiles().Should().Contain(
        [
            "dapr.yaml",
            "components/statestore.yaml",
            "components/alternatives/statestore.postgresql.yaml",
            "deploy/k8s/appointments.yaml",
            "deploy/k8s/components/statestore.yaml",
        ]);
    }
}
