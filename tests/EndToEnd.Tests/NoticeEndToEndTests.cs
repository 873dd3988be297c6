using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;
using MimeKit;

namespace Appointments.EndToEnd.Tests;

/// <summary>Notices seen from outside: the built host as a process, booking over HTTP, the notice arriving by itself.</summary>
public sealed class NoticeEndToEndTests : IAsyncLifetime
{
    private const string Clinic = "clinic@example.com";
    private const string AppToken = "e2e-notice-app-token";
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync("alice");

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Embedded_a_booking_is_confirmed_by_email_with_its_calendar_invite_within_the_notice_delay()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = _users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("notices.db")}",
            ["Runtime__Mode"] = "Embedded",
            ["Notices__Delay"] = "00:00:02",
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["EMAIL_ADDRESS"] = Clinic,
        });
        using var alice = host.CreateClient(FlaskTokens.Access("alice"));

        var id = await BookAsync(alice);
        await Eventually.TrueAsync(() => smtp.Messages().Count > 0, "the confirmation email");

        var message = smtp.Messages().Single();
        message.Subject.Should().Be("Appointment Confirmation");
        message.To.Mailboxes.Single().Address.Should().Be("alice@example.com");
        var invite = message.BodyParts.OfType<TextPart>().Single(p => p.ContentType.MimeType == "text/calendar");
        Ical.Net.Calendar.Load(invite.Text)!.Events.Single().Uid.Should().Be($"{id}@appointments");
        await Eventually.TrueAsync(
            async () => JsonDocument.Parse(await alice.GetStringAsync($"/api/appointments/{id}")).RootElement.GetProperty("notices").EnumerateArray()
                .Any(n => n.GetProperty("status").GetString() == "sent"),
            "the appointment shows its notice as sent");
    }

    [Fact]
    public async Task Dapr_the_notice_cron_sends_the_confirmation_through_the_email_binding()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { AppToken = AppToken });
        sidecar.MapApp("user-service", _users.Url);
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["Runtime__Mode"] = "Dapr",
            ["APP_API_TOKEN"] = AppToken,
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint,
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint,
            ["EMAIL_ADDRESS"] = Clinic,
        });
        sidecar.AppUrl = host.Url;
        using var alice = host.CreateClient(FlaskTokens.Access("alice"));

        await BookAsync(alice);
        var triggers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sidecar.TriggerCronAsync("notice-cron")));

        triggers.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        await Eventually.TrueAsync(() => sidecar.BindingCalls.Count > 0, "the confirmation through the binding");
        (await sidecar.TriggerCronAsync("notice-cron")).StatusCode.Should().Be(HttpStatusCode.OK);
        var email = sidecar.BindingCalls.Should().ContainSingle("one notice, however often and concurrently the cron fires").Which;
        email.Name.Should().Be("email");
        email.Metadata["subject"].Should().Be("Appointment Confirmation");
        email.Metadata["emailTo"].Should().Be("alice@example.com");
    }

    private static async Task<string> BookAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/appointments", new
        {
            doctor = "dr-notice",
            date_time = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            email = "alice@example.com",
            reminder_method = "email",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("_id").GetString()!;
    }
}
