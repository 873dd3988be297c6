using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>
/// The docs name the routes the service serves, no more and no fewer: docs/contract.md's route tables against the
/// OpenAPI document the host serves.
/// </summary>
public sealed class DocsTests(EmbeddedApp app) : IClassFixture<EmbeddedApp>
{
    /// <summary>
    /// Routes the contract promises that are not built yet. Each must be absent from the OpenAPI document: once one
    /// is served, take it off this list (and off "planned" in docs/api.md).
    /// </summary>
    private static readonly string[] NotBuilt =
    [
        Docs.Route("GET", "/api/doctors"),
        Docs.Route("GET", "/api/slots"),
        Docs.Route("POST", "/api/waitlist"),
        Docs.Route("GET", "/api/waitlist"),
        Docs.Route("DELETE", "/api/waitlist/{id}"),
        Docs.Route("POST", "/api/waitlist/{id}/accept"),
        Docs.Route("POST", "/api/waitlist/{id}/decline"),
    ];

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
