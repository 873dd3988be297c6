using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>
/// The docs say what the code does: docs/contract.md's and docs/api.md's route tables against the OpenAPI document the
/// host serves, "planned" on exactly the routes not built yet, links that lead somewhere, every setting on
/// docs/configuration.md, and a README that stays a front door.
/// </summary>
public sealed class DocsTests(EmbeddedApp app) : IClassFixture<EmbeddedApp>
{
    /// <summary>
    /// Routes the contract promises that are not built yet. Each must be absent from the OpenAPI document: once one
    /// is served, take it off this list (and off "planned" in docs/api.md).
    /// </summary>
    /// <summary>Routes of the contract the service does not serve yet: none now; a route added to the contract first goes here.</summary>
    private static readonly string[] NotBuilt = [];

    [Fact]
    public async Task Every_route_the_service_serves_is_in_the_contracts_route_tables()
    {
        var contract = Docs.RouteRows(Docs.Read("docs/contract.md")).Select(row => row.Route).ToHashSet();

        (await ServedRoutesAsync()).Should().BeSubsetOf(contract, "docs/contract.md is the API's reference for its clients");
    }

    [Fact]
    public async Task Every_route_in_the_contracts_route_tables_is_served_or_listed_as_not_built()
    {
        var contract = Docs.RouteRows(Docs.Read("docs/contract.md")).Select(row => row.Route).ToHashSet();
        var served = await ServedRoutesAsync();

        contract.Except(NotBuilt).Should().BeSubsetOf(served, "a client reading docs/contract.md would call these");
        NotBuilt.Should().BeSubsetOf(contract).And.NotIntersectWith(served, "a route that is served is built: take it off NotBuilt");
    }

    [Fact]
    public async Task The_API_guide_names_every_route_and_calls_exactly_the_ones_not_built_planned()
    {
        var rows = Docs.RouteRows(Docs.Read("docs/api.md"));
        var served = await ServedRoutesAsync();

        rows.Select(row => row.Route).Should().BeEquivalentTo(served.Concat(NotBuilt), "docs/api.md's routes at a glance list them all");
        rows.Where(row => row.Row.Contains("planned", StringComparison.OrdinalIgnoreCase)).Select(row => row.Route)
            .Should().BeEquivalentTo(NotBuilt, "a front-end developer must see which routes do not exist yet, and only those");
    }

    [Fact]
    public void Every_relative_link_in_the_README_and_docs_leads_to_a_file_and_heading_in_the_repository()
    {
        var broken = Docs.Pages().SelectMany(page => Docs.BrokenLinks(page).Select(link => $"{page}: {link}"));

        string.Join(", ", broken).Should().BeEmpty("a clone has only what is in the repository (../shared/design is not)");
    }

    [Fact]
    public void Every_setting_the_code_binds_or_reads_is_on_docs_configuration()
    {
        var page = Docs.Read("docs/configuration.md");

        var missing = SettingKeys.All().Where(key => !page.Contains($"`{key}`", StringComparison.Ordinal));

        string.Join(", ", missing).Should().BeEmpty("docs/configuration.md lists every setting; name each of these there, in backticks");
    }

    [Fact]
    public void The_README_is_a_front_door_with_the_two_commands_CI_runs()
    {
        var readme = Docs.Read("README.md");

        readme.Split('\n').Length.Should().BeLessThanOrEqualTo(200);
        readme.Should().Contain("`dotnet run --project src/Host`").And.Contain("`dotnet test`")
            .And.NotContain("date -d").And.NotContain("date --date", "GNU date's -d does not exist on macOS");
        File.ReadAllLines(Path.Combine(Appointments.TestSupport.RepositoryPaths.Root, ".ci", "run")).Should().Contain("dotnet test");
    }

    private async Task<HashSet<string>> ServedRoutesAsync()
    {
        using var document = JsonDocument.Parse(await app.Client().GetStringAsync("/openapi/v1.json"));
        var routes = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => Docs.Route(operation.Name, path.Name)))
            .ToHashSet();
        routes.Should().NotBeEmpty();
        return routes;
    }
}
