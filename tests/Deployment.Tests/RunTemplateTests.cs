using System.Text.Json;

namespace Appointments.Deployment.Tests;

public sealed class RunTemplateTests
{
    private static readonly Node Template = Repo.Load("dapr.yaml").Single().Root;

    public static TheoryData<string> AppIds() =>
        new(Template["apps"].Items.Select(app => app["appID"].Text ?? ""));

    [Fact]
    public void Run_template_is_version_1_and_loads_the_components_folder_with_resourcesPaths_not_the_deprecated_singular()
    {
        Template["version"].Text.Should().Be("1");
        Template["common"]["resourcesPaths"].Items.Select(path => path.Text).Should().Equal("./components");
        Template["common"]["resourcesPath"].Exists.Should().BeFalse();
        Template["apps"].Items.Should().AllSatisfy(app => app["resourcesPath"].Exists.Should().BeFalse());
    }

    [Fact]
    public void Run_template_starts_the_service_and_the_user_service()
    {
        Template["apps"].Items.Select(app => app["appID"].Text).Should().BeEquivalentTo(["appointments", "user-service"]);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Every_app_points_at_a_folder_with_a_project_and_runs_it(string appId)
    {
        var app = App(appId);
        var folder = Repo.PathOf(app["appDirPath"].Text ?? "");

        Directory.Exists(folder).Should().BeTrue($"{appId} runs from {folder}");
        Directory.EnumerateFiles(folder, "*.csproj").Should().ContainSingle($"{appId} runs `dotnet run` in {folder}");
        app["command"].Items.Select(part => part.Text).Take(2).Should().Equal("dotnet", "run");
    }

    [Fact]
    public void Appointments_runs_in_Dapr_mode_on_port_5001()
    {
        var app = App("appointments");

        app["appDirPath"].Text.Should().Be("src/Host");
        app["appPort"].Text.Should().Be("5001");
        app["env"]["Runtime__Mode"].Text.Should().Be("Dapr");
        LaunchPort("src/Host").Should().Be(5001, "`dotnet run` listens where the sidecar calls");
    }

    [Fact]
    public void User_service_listens_where_its_sidecar_expects_it()
    {
        var app = App("user-service");

        app["appDirPath"].Text.Should().Be("samples/UserService");
        LaunchPort("samples/UserService").ToString().Should().Be(app["appPort"].Text).And.NotBe("5001");
    }

    /// <summary>The port of the first launch profile with a URL: the one `dotnet run` uses.</summary>
    private static int LaunchPort(string projectFolder)
    {
        using var launchSettings = JsonDocument.Parse(File.ReadAllText(Repo.PathOf($"{projectFolder}/Properties/launchSettings.json")));
        var url = launchSettings.RootElement.GetProperty("profiles").EnumerateObject()
            .Select(profile => profile.Value.TryGetProperty("applicationUrl", out var value) ? value.GetString() : null)
            .First(value => value is not null);
        return new Uri(url!.Split(';')[0]).Port;
    }

    private static Node App(string appId) => Template["apps"].Items.Single(app => app["appID"].Text == appId);
}
