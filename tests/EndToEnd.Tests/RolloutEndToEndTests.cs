using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;

namespace Appointments.EndToEnd.Tests;

/// <summary>
/// A rollout as Kubernetes runs one in Dapr mode: the old replica gets SIGTERM while a message is with the binding
/// (which finishes the send whatever the app does), and a new replica takes over the same store.
/// </summary>
public sealed class RolloutEndToEndTests : IAsyncLifetime
{
    private const string DaprApiToken = "rollout-dapr-api-token";
    private const string AppApiToken = "rollout-app-api-token";
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync("alice");

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Dapr_a_replica_stopped_while_a_notice_is_with_the_binding_finishes_it_and_the_next_replica_does_not_send_it_again()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            ApiToken = DaprApiToken,
            AppToken = AppApiToken,
            BindingSendTime = TimeSpan.FromSeconds(3),
        });
        sidecar.MapApp("user-service", _users.Url);
        int exitCode;
        await using (var old = await StartAsync(sidecar))
        {
            using var alice = old.CreateClient(FlaskTokens.Access("alice"));
            (await alice.PostAsJsonAsync("/api/appointments", new
            {
                doctor = "dr-rollout",
                date_time = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                email = "alice@example.com",
                reminder_method = "email",
            })).StatusCode.Should().Be(HttpStatusCode.Created);

            var scan = sidecar.TriggerCronAsync(old.Url, "notice-cron");
            await Eventually.TrueAsync(() => sidecar.BindingCallsInProgress == 1, "the confirmation is with the binding");
            exitCode = await old.StopAsync(TimeSpan.FromSeconds(60));
            await scan.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // The new replica scans at start-up, and again once the old claim's lease has ended.
        await using var replacement = await StartAsync(sidecar);
        await Task.Delay(ClaimLease + TimeSpan.FromSeconds(1));
        (await sidecar.TriggerCronAsync(replacement.Url, "notice-cron")).StatusCode.Should().Be(HttpStatusCode.OK);

        exitCode.Should().Be(0);
        sidecar.BindingCalls.Should().ContainSingle("the stopped replica recorded the send it finished, so nothing took it over")
            .Which.Used["emailTo"].Should().Be("alice@example.com");
    }

    private Task<HostProcess> StartAsync(DaprSidecarDouble sidecar) =>
        HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["Runtime__Mode"] = "Dapr",
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint,
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint,
            ["DAPR_API_TOKEN"] = DaprApiToken,
            ["APP_API_TOKEN"] = AppApiToken,
            ["EMAIL_ADDRESS"] = "clinic@example.com",
            ["Notices__ClaimLease"] = ClaimLease.ToString("c", CultureInfo.InvariantCulture),
        });
}
