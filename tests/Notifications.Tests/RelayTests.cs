using System.Globalization;
using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Appointments.Notifications.Tests;

/// <summary>
/// The service as a fraudster would use it: whatever a request says is where its notices go and what they carry.
/// Counted at the real Twilio and SMTP stubs (or, under Dapr, at the sidecar's bindings): what actually left.
/// </summary>
public sealed class RelayTests : IDisposable
{
    private const string Victim = "+15555550142";

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    private string Database => _directory.File("clinic.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Twenty_book_and_cancel_cycles_to_one_number_send_it_the_daily_limit_and_record_the_rest_as_suppressed()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, Twilio(twilio));

        var ids = await BookAndCancelAsync(clinic, Victim, cycles: 20);

        twilio.Requests.Should().HaveCount(10, "Notices:MaxPerRecipientPerDay is 10 by default, whoever booked");
        twilio.Requests.Should().OnlyContain(r => r.Form["To"] == Victim);
        (await StatusesAsync(clinic, ids)).Should().Contain(("suppressed", 30)).And.Contain(("sent", 10));
    }

    [Fact]
    public async Task Under_Dapr_the_daily_limit_is_kept_in_the_state_store_and_holds_at_the_sms_binding()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync();
        var dapr = sidecar.CreateDaprClient();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?>(),
            new NotificationsSettings { DaprBindings = true, Timers = false },
            services => services.AddSingleton(dapr).AddSingleton<IStateStore>(new DaprStateStore(dapr)));

        await BookAndCancelAsync(clinic, Victim, cycles: 20);

        sidecar.BindingCalls.Where(c => c.Name == "sms").Should().HaveCount(10);
        sidecar.StoredStateKeys.Should().Contain(k => k.Contains("notice-recipient|", StringComparison.Ordinal))
            .And.NotContain(k => k.Contains("5555550142", StringComparison.Ordinal), "no contact data in keys");
    }

    [Fact]
    public async Task A_day_later_the_number_hears_again()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, Twilio(twilio));
        await BookAndCancelAsync(clinic, Victim, cycles: 6);

        _clock.Advance(TimeSpan.FromHours(24));
        await BookAndCancelAsync(clinic, Victim, cycles: 1);

        twilio.Requests.Should().HaveCount(12);
    }

    [Fact]
    public async Task Reminders_are_not_counted_so_a_patient_at_the_limit_is_still_reminded()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, Twilio(twilio));
        await BookAndCancelAsync(clinic, Victim, cycles: 5);
        var tomorrow = await BookAsync(clinic, "patient-reminded", Victim, ClinicHost.Start.AddHours(20));
        await clinic.Notices.RunAsync(CancellationToken.None);

        await clinic.ScanAsync();

        twilio.Requests.Should().HaveCount(11);
        twilio.Requests.Last().Form["Body"].Should().Contain("Reminder:");
        (await clinic.ReminderAsync(tomorrow))!.Status.Should().Be("sent");
    }

    [Theory]
    [InlineData("+8823451234567")]
    [InlineData("+979123456789")]
    [InlineData("+80012345678")]
    public async Task Premium_and_non_geographic_numbers_are_never_texted(string number)
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, Twilio(twilio));

        var ids = await BookAndCancelAsync(clinic, number, cycles: 5);
        await BookAsync(clinic, "pumper", number, ClinicHost.Start.AddHours(20));
        await clinic.ScanAsync();

        twilio.Requests.Should().BeEmpty();
        (await StatusesAsync(clinic, ids)).Should().Equal(("suppressed", 10));
    }

    [Fact]
    public async Task With_allowed_prefixes_a_number_outside_them_is_never_texted()
    {
        await using var twilio = await TwilioStub.StartAsync();
        var settings = Twilio(twilio);
        settings["Notices:SmsAllowedPrefixes:0"] = "+1";
        using var clinic = new ClinicHost(_clock, Database, settings);

        await BookAndCancelAsync(clinic, "+447700900123", cycles: 1);
        await BookAndCancelAsync(clinic, Victim, cycles: 1);

        twilio.Requests.Select(r => r.Form["To"]).Should().Equal(Victim, Victim);
    }

    [Fact]
    public async Task A_long_unicode_reason_with_a_link_never_reaches_an_sms_and_reaches_email_encoded_as_text()
    {
        await using var twilio = await TwilioStub.StartAsync();
        await using var smtp = await SmtpTestServer.StartAsync();
        var settings = Twilio(twilio);
        settings["EMAIL_ADDRESS"] = "clinic@example.com";
        settings["SMTP_HOST"] = "127.0.0.1";
        settings["SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        using var clinic = new ClinicHost(_clock, Database, settings);
        var reason = "<a href=\"https://evil.example/login\">Verify your card</a> " + string.Concat(Enumerable.Repeat("😷Ünïcødé ", 45));
        var bySms = await BookAsync(clinic, "sms-patient", Victim, ClinicHost.Start.AddDays(2));
        var byEmail = await BookAsync(clinic, "email-patient", Victim, ClinicHost.Start.AddDays(2).AddHours(1), method: "email");

        foreach (var id in new[] { bySms, byEmail })
        {
            (await clinic.Book.CancelAsync(new Caller("clinic-admin", Caller.Admin), id, reason[..500], null, CancellationToken.None)).Should().BeNull();
        }

        await clinic.Notices.RunAsync(CancellationToken.None);

        var sms = twilio.Requests.Select(r => r.Form["Body"]).ToList();
        sms.Should().HaveCount(2).And.OnlyContain(body => SmsText.IsOneSegment(body) && !body.Contains("evil", StringComparison.Ordinal) && !body.Contains("Ünïcødé", StringComparison.Ordinal));
        sms.Should().OnlyContain(body => body.StartsWith("Your clinic: ", StringComparison.Ordinal) && body.Contains("dr-house", StringComparison.Ordinal));
        var cancelled = smtp.Messages().Single(m => m.Subject == "Appointment Cancelled");
        cancelled.HtmlBody.Should().Contain("&lt;a href=&quot;https://evil.example/login&quot;&gt;").And.NotContain("<a href");
    }

    private static Dictionary<string, string?> Twilio(TwilioStub twilio) => new()
    {
        ["TWILIO_ACCOUNT_SID"] = "AC123",
        ["TWILIO_AUTH_TOKEN"] = "token",
        ["TWILIO_PHONE_NUMBER"] = "+15555550999",
        ["TWILIO_API_URL"] = twilio.Url.ToString(),
    };

    /// <summary>Books and cancels one time over and over, as three accounts taking turns, with <paramref name="phone"/> for SMS; then sends.</summary>
    private async Task<List<string>> BookAndCancelAsync(ClinicHost clinic, string phone, int cycles)
    {
        var ids = new List<string>();
        for (var i = 0; i < cycles; i++)
        {
            var username = $"account-{i % 3}";
            var id = await BookAsync(clinic, username, phone, _clock.GetUtcNow().AddDays(3));
            (await clinic.Book.CancelAsync(new Caller(username, Caller.Patient), id, "changed my mind", null, CancellationToken.None)).Should().BeNull();
            ids.Add(id);
        }

        await clinic.Notices.RunAsync(CancellationToken.None);
        return ids;
    }

    private static async Task<string> BookAsync(ClinicHost clinic, string username, string phone, DateTimeOffset start, string method = "sms")
    {
        var request = new NewAppointment("dr-house", start) { Email = $"{username}@example.com", Phone = phone, ReminderMethod = method };
        var (booked, error) = await clinic.Book.BookAsync(new Caller(username, Caller.Patient), request, null, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }

    /// <summary>How many of the appointments' notices stand at each status, as their patients see them.</summary>
    private static async Task<List<(string Status, int Count)>> StatusesAsync(ClinicHost clinic, List<string> ids)
    {
        var statuses = new List<string>();
        foreach (var id in ids)
        {
            var (_, deliveries, _) = await clinic.Book.ReadAsync(new Caller("clinic-admin", Caller.Admin), id, CancellationToken.None);
            statuses.AddRange(deliveries.Notices.Select(n => n.Status));
        }

        return statuses.GroupBy(s => s).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
    }
}
