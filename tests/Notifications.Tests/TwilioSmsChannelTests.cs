using System.Text;
using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Notifications.Tests;

/// <summary>The Twilio channel, with its resilience pipeline, against a Twilio stub over real HTTP.</summary>
public sealed class TwilioSmsChannelTests
{
    private static readonly OutgoingMessage Message =
        ReminderText.For("+15555550100", "dr-house", new DateTime(2026, 12, 1, 10, 0, 0), "Europe/Paris");

    [Fact]
    public async Task The_sms_is_posted_as_twilio_form_fields_with_basic_auth()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var host = HostFor(twilio);

        await Sms(host).SendAsync(Message, CancellationToken.None);

        var request = twilio.Requests.Should().ContainSingle().Subject;
        request.AccountSid.Should().Be("AC123");
        request.ContentType.Should().StartWith("application/x-www-form-urlencoded");
        request.Authorization.Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC123:secret-token")));
        request.Form["To"].Should().Be("+15555550100");
        request.Form["From"].Should().Be("+15555550999");
        request.Form["Body"].Should().Contain("dr-house").And.Contain("2026-12-01 10:00").And.Contain("Europe/Paris");
        twilio.Created.Should().Be(1);
    }

    [Fact]
    public async Task A_500_then_201_is_retried_and_the_message_is_created_once()
    {
        await using var twilio = await TwilioStub.StartAsync(500);
        using var host = HostFor(twilio);

        await Sms(host).SendAsync(Message, CancellationToken.None);

        twilio.Requests.Should().HaveCount(2);
        twilio.Created.Should().Be(1);
    }

    [Fact]
    public async Task A_400_is_a_permanent_failure_and_is_not_retried()
    {
        await using var twilio = await TwilioStub.StartAsync(400);
        using var host = HostFor(twilio);

        var send = () => Sms(host).SendAsync(Message, CancellationToken.None);

        var failure = await send.Should().ThrowAsync<DeliveryException>();
        failure.Which.IsTransient.Should().BeFalse();
        failure.Which.Message.Should().Contain("400");
        twilio.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Server_errors_that_outlast_the_retries_are_a_transient_failure()
    {
        await using var twilio = await TwilioStub.StartAsync(503, 503, 503, 503, 503);
        using var host = HostFor(twilio);

        var send = () => Sms(host).SendAsync(Message, CancellationToken.None);

        (await send.Should().ThrowAsync<DeliveryException>()).Which.IsTransient.Should().BeTrue();
        twilio.Requests.Should().HaveCount(3, "one attempt and MaxRetries = 2 retries");
        twilio.Created.Should().Be(0);
    }

    [Fact]
    public async Task A_scan_sends_a_due_sms_reminder_through_twilio_once()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = HostFor(twilio);
        var id = await clinic.BookAsync("alice", DateTimeOffset.UtcNow.AddHours(3), method: "sms");

        await clinic.ScanAsync();
        await clinic.ScanAsync();

        twilio.Created.Should().Be(1);
        twilio.Requests.Should().ContainSingle().Which.Form["Body"].Should().StartWith("Your clinic: Reminder: you have an appointment with dr-house", "every SMS names the clinic first");
        (await clinic.ReminderAsync(id))!.Status.Should().Be("sent");
    }

    private static IMessageChannel Sms(ClinicHost host) =>
        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Sms);

    // The system clock: the resilience pipeline waits on the clock from DI between retries.
    private static ClinicHost HostFor(TwilioStub twilio) =>
        new(TimeProvider.System, settings: new Dictionary<string, string?>
        {
            ["TWILIO_API_URL"] = twilio.Url.ToString(),
            ["TWILIO_ACCOUNT_SID"] = "AC123",
            ["TWILIO_AUTH_TOKEN"] = "secret-token",
            ["TWILIO_PHONE_NUMBER"] = "+15555550999",
            ["Notifications:Twilio:MaxRetries"] = "2",
            ["Notifications:Twilio:RetryDelay"] = "00:00:00.010",
        });
}
