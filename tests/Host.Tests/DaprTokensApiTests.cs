using System.Net;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;

namespace Appointments.Host.Tests;

/// <summary>
/// Dapr mode as deploy/k8s runs it: both tokens on (daprd refuses calls without <c>DAPR_API_TOKEN</c>, and sends
/// <c>APP_API_TOKEN</c> to the app) and the repo's resiliency policy applied to service invocation.
/// </summary>
public sealed class DaprTokensApp : AppFixture
{
    public const string ApiToken = "dapr-api-token-for-tests";
    public const string AppToken = "app-api-token-for-tests";

    public DaprSidecarDouble Sidecar { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            ApiToken = ApiToken,
            AppToken = AppToken,
            Resiliency = AppResiliency.Load(Path.Combine(RepositoryPaths.Root, "deploy", "k8s", "resiliency.yaml")),
        });
        Sidecar.MapApp("user-service", Users.Url);
        settings["Runtime:Mode"] = "Dapr";
        settings["DAPR_GRPC_ENDPOINT"] = Sidecar.GrpcEndpoint;
        settings["DAPR_HTTP_ENDPOINT"] = Sidecar.HttpEndpoint;
        settings["DAPR_API_TOKEN"] = ApiToken;
        settings["APP_API_TOKEN"] = AppToken;
        settings["EMAIL_ADDRESS"] = "clinic@example.com";
        settings.Remove("USER_SERVICE_URL");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}

public sealed class DaprTokensApiTests(DaprTokensApp app) : ApiTestBase<DaprTokensApp>(app)
{
    [Fact]
    public async Task Booking_checks_the_user_through_the_sidecar_and_stores_through_it_with_the_api_token()
    {
        var client = App.NewPatient(out _);

        var id = await BookOk(client, Booking(NewDoctor()));

        (await Get(client, id)).GetProperty("_id").GetString().Should().Be(id);
    }

    [Fact]
    public async Task An_unknown_user_is_still_404_not_a_refused_call_turned_503()
    {
        var response = await Book(Admin(), ForSomeone("nobody-known"));

        await ShouldBeProblem(response, HttpStatusCode.NotFound, "User does not exist");
    }

    [Fact]
    public async Task A_token_of_a_user_the_user_service_does_not_have_is_401_not_a_refused_call_turned_503()
    {
        var response = await Book(App.Client(App.StrangerToken("nobody-at-all")), Booking(NewDoctor()));

        await ShouldBeProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_run_of_unknown_users_does_not_stop_the_next_booking()
    {
        for (var i = 0; i < 8; i++)
        {
            await ShouldBeProblem(await Book(App.Client(App.StrangerToken($"stranger-{Guid.NewGuid():N}")), Booking(NewDoctor())), HttpStatusCode.Unauthorized);
            await ShouldBeProblem(await Book(Admin(), ForSomeone($"stranger-{Guid.NewGuid():N}")), HttpStatusCode.NotFound, "User does not exist");
        }

        await BookOk(App.NewPatient(out _), Booking(NewDoctor()));
    }

    private static Dictionary<string, object?> ForSomeone(string username)
    {
        var body = Booking(NewDoctor());
        body["username"] = username;
        return body;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("someone-else")]
    public async Task The_cron_trigger_without_the_app_token_is_401(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reminder-cron");
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        var response = await App.Client().SendAsync(request);

        await ShouldBeProblem(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("reminder-cron")]
    [InlineData("notice-cron")]
    public async Task A_cron_route_invoked_by_another_app_is_403_though_daprd_added_the_app_token(string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{route}");
        request.Headers.Add("dapr-api-token", DaprTokensApp.AppToken);
        request.Headers.Add("dapr-caller-app-id", "another-app");

        var response = await App.Client().SendAsync(request);

        (await ShouldBeProblem(response, HttpStatusCode.Forbidden)).GetProperty("code").GetString().Should().Be("forbidden");
    }

    [Fact]
    public async Task The_cron_trigger_with_the_app_token_is_200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reminder-cron");
        request.Headers.Add("dapr-api-token", DaprTokensApp.AppToken);

        var response = await App.Client().SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

/// <summary>In Embedded mode the in-process timer scans; the cron route does not exist.</summary>
public sealed class EmbeddedReminderCronApiTests(EmbeddedApp app) : ApiTestBase<EmbeddedApp>(app)
{
    [Fact]
    public async Task The_cron_route_is_404_in_Embedded_mode()
    {
        var response = await App.Client().PostAsync("/reminder-cron", content: null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
