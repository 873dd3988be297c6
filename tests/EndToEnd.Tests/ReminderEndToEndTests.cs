using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;

namespace Appointments.EndToEnd.Tests;

/// <summary>
/// Reminders seen from outside: the built host as a process, a real SMTP server in embedded mode, the sidecar
/// double's bindings and cron trigger in Dapr mode.
/// </summary>
public sealed class ReminderEndToEndTests : IAsyncLifetime
{
    private const string Clinic = "clinic@example.com";
    private const string DaprApiToken = "e2e-dapr-api-token";
    private const string AppApiToken = "e2e-app-api-token";
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync("alice", "bob", "carol");

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Embedded_an_appointment_23_hours_ahead_gets_one_email_within_seconds_and_one_30_hours_ahead_none()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = _users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("reminders.db")}",
            ["Runtime__Mode"] = "Embedded",
            ["Notices__Enabled"] = "false",
            ["Reminders__ScanInterval"] = "00:00:02",
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["EMAIL_ADDRESS"] = Clinic,
        });
        using var alice = host.CreateClient(FlaskTokens.Access("alice"));
        using var bob = host.CreateClient(FlaskTokens.Access("bob"));

        var soon = await BookAsync(alice, "dr-soon", Hours(23), "alice@example.com");
        await BookAsync(bob, "dr-later", Hours(30), "bob@example.com");

        await Eventually.TrueAsync(() => smtp.Messages().Count > 0, "the first reminder email");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var messages = smtp.Messages();
        messages.Should().ContainSingle("later scans must not send again, and the 30-hour one is not due");
        var message = messages[0];
        message.To.Mailboxes.Single().Address.Should().Be("alice@example.com");
        message.From.Mailboxes.Single().Address.Should().Be(Clinic);
        message.Subject.Should().Be("Appointment Reminder");
        message.TextBody.Should().Contain("dr-soon");
        var reminder = JsonDocument.Parse(await alice.GetStringAsync($"/api/appointments/{soon}")).RootElement.GetProperty("reminder");
        reminder.GetProperty("status").GetString().Should().Be("sent");
    }

    [Fact]
    public async Task Dapr_the_cron_trigger_sends_each_due_reminder_once_through_the_bindings_with_their_metadata()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { AppToken = AppApiToken });
        sidecar.MapApp("user-service", _users.Url);
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["Runtime__Mode"] = "Dapr",
            ["APP_API_TOKEN"] = AppApiToken,
            ["Notices__Enabled"] = "false",
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint,
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint,
            ["EMAIL_ADDRESS"] = Clinic,
        });
        sidecar.AppUrl = host.Url;
        using var alice = host.CreateClient(FlaskTokens.Access("alice"));
        using var carol = host.CreateClient(FlaskTokens.Access("carol"));
        await BookAsync(alice, "dr-mail", Hours(23), "alice@example.com");
        await BookAsync(carol, "dr-text", Hours(22), null, "+15555550123");
        await BookAsync(alice, "dr-far", Hours(30), "alice@example.com");

        var triggers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sidecar.TriggerCronAsync()));
        triggers.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        await Eventually.TrueAsync(() => sidecar.BindingCalls.Count >= 2, "both reminders through the bindings");
        (await sidecar.TriggerCronAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(2));

        sidecar.BindingCalls.Should().HaveCount(2, "one reminder each, however often and concurrently the cron fires");
        var email = sidecar.BindingCalls.Single(c => c.Name == "email");
        email.Operation.Should().Be("create");
        email.Metadata["emailTo"].Should().Be("alice@example.com");
        email.Metadata["emailFrom"].Should().Be(Clinic);
        email.Metadata["subject"].Should().Be("Appointment Reminder");
        email.SentText.Should().Contain("dr-mail");
        var sms = sidecar.BindingCalls.Single(c => c.Name == "sms");
        sms.Operation.Should().Be("create");
        sms.Metadata["toNumber"].Should().Be("+15555550123");
        sms.SentText.Should().Contain("dr-text");
    }

    [Fact]
    public async Task Dapr_two_replicas_on_one_sidecar_with_the_cron_firing_at_both_send_each_due_reminder_once()
    {
        await using var sidecar = await StartSidecarAsync();
        await using var first = await StartDaprHostAsync(sidecar);
        await using var second = await StartDaprHostAsync(sidecar);
        using var alice = first.CreateClient(FlaskTokens.Access("alice"));
        using var bob = second.CreateClient(FlaskTokens.Access("bob"));
        using var carol = second.CreateClient(FlaskTokens.Access("carol"));
        await BookAsync(alice, "dr-one", Hours(20), "alice@example.com");
        await BookAsync(bob, "dr-two", Hours(21), "bob@example.com");
        await BookAsync(carol, "dr-three", Hours(22), null, "+15555550123");
        await BookAsync(alice, "dr-later", Hours(30), "alice@example.com");

        for (var round = 0; round < 3; round++)
        {
            var triggers = await Task.WhenAll(
                sidecar.TriggerCronAsync(first.Url), sidecar.TriggerCronAsync(second.Url),
                sidecar.TriggerCronAsync(first.Url), sidecar.TriggerCronAsync(second.Url));
            triggers.Should().OnlyContain(response => response.StatusCode == HttpStatusCode.OK);
        }

        await Eventually.TrueAsync(() => sidecar.BindingCalls.Count >= 3, "the three due reminders through the bindings");
        await Task.Delay(TimeSpan.FromSeconds(2));

        sidecar.BindingCalls.Select(call => call.Name == "sms" ? call.Metadata["toNumber"] : call.Metadata["emailTo"])
            .Should().BeEquivalentTo(["alice@example.com", "bob@example.com", "+15555550123"], "each reminder once, whichever replica claimed it");
    }

    [Fact]
    public async Task Dapr_a_reminder_due_when_a_replica_starts_goes_out_from_its_start_up_scan_without_a_cron_trigger()
    {
        await using var sidecar = await StartSidecarAsync();
        await using (var running = await StartDaprHostAsync(sidecar))
        {
            using var alice = running.CreateClient(FlaskTokens.Access("alice"));
            await BookAsync(alice, "dr-soon", Hours(23), "alice@example.com");
        }

        sidecar.BindingCalls.Should().BeEmpty("nothing triggered a scan after the booking");
        await using var restarted = await StartDaprHostAsync(sidecar);

        await Eventually.TrueAsync(() => sidecar.BindingCalls.Count > 0, "the reminder from the start-up scan");
        sidecar.BindingCalls.Should().ContainSingle().Which.Metadata["emailTo"].Should().Be("alice@example.com");
    }

    [Fact]
    public async Task Dapr_the_cron_route_refuses_a_caller_without_the_app_token()
    {
        await using var sidecar = await StartSidecarAsync();
        await using var host = await StartDaprHostAsync(sidecar);
        using var stranger = new HttpClient { BaseAddress = host.Url };

        using var response = await stranger.PostAsync(new Uri("/reminder-cron", UriKind.Relative), content: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Dapr_the_cron_routes_refuse_an_invocation_from_another_app_which_daprd_delivers_with_the_app_token()
    {
        await using var sidecar = await StartSidecarAsync();
        await using var host = await StartDaprHostAsync(sidecar);
        sidecar.AppUrl = host.Url;

        using var reminders = await sidecar.DeliverInvocationAsync("another-app", "reminder-cron");
        using var notices = await sidecar.DeliverInvocationAsync("another-app", "notice-cron");
        using var cron = await sidecar.TriggerCronAsync("reminder-cron");

        reminders.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        notices.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        cron.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>The sidecar as deploy/k8s configures it: both tokens on, the repo's resiliency policy.</summary>
    private async Task<DaprSidecarDouble> StartSidecarAsync()
    {
        var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            ApiToken = DaprApiToken,
            AppToken = AppApiToken,
            Resiliency = AppResiliency.Load(Path.Combine(RepositoryPaths.Root, "deploy", "k8s", "resiliency.yaml")),
        });
        sidecar.MapApp("user-service", _users.Url);
        return sidecar;
    }

    private Task<HostProcess> StartDaprHostAsync(DaprSidecarDouble sidecar) =>
        HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["Runtime__Mode"] = "Dapr",
            ["Notices__Enabled"] = "false",
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint,
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint,
            ["DAPR_API_TOKEN"] = DaprApiToken,
            ["APP_API_TOKEN"] = AppApiToken,
            ["EMAIL_ADDRESS"] = Clinic,
        });

    private static string Hours(int hours) =>
        DateTime.UtcNow.AddHours(hours).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task<string> BookAsync(HttpClient client, string doctor, string dateTime, string? email, string? phone = null)
    {
        var response = await client.PostAsJsonAsync("/api/appointments", new
        {
            doctor,
            date_time = dateTime,
            email,
            phone,
            reminder_method = email is null ? "sms" : "email",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("_id").GetString()!;
    }
}
