using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Tests;

/// <summary>Email over TLS: required unless the server is on this machine or TLS is switched off, and never a password in clear text.</summary>
public sealed class SmtpTlsTests
{
    private static readonly OutgoingMessage Message =
        ReminderText.For("alice@example.com", "dr-house", new DateTime(2026, 12, 1, 10, 0, 0), "Europe/Paris");

    [Theory]
    [InlineData("smtp.gmail.com", 587, "Auto", SecureSocketOptions.StartTls)]
    [InlineData("smtp.example.com", 25, "Auto", SecureSocketOptions.StartTls)]
    [InlineData("smtp.example.com", 465, "Auto", SecureSocketOptions.SslOnConnect)]
    [InlineData("127.0.0.1", 25, "Auto", SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData("localhost", 25, "Auto", SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData("::1", 25, "Auto", SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData("127.0.0.1", 25, "Required", SecureSocketOptions.StartTls)]
    [InlineData("smtp.example.com", 25, "Off", SecureSocketOptions.None)]
    public void The_connection_requires_tls_except_on_this_machine_or_when_switched_off(string host, int port, string tls, SecureSocketOptions expected)
    {
        using var notifications = Host(new() { ["SMTP_HOST"] = host, ["SMTP_PORT"] = $"{port}", [SmtpOptions.TlsKey] = tls });

        notifications.Services.GetRequiredService<IOptions<SmtpOptions>>().Value.Security.Should().Be(expected);
    }

    [Fact]
    public async Task Required_tls_against_a_server_without_starttls_fails_for_good_and_sends_nothing()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var notifications = Host(ServerSettings(server, tls: "Required"));

        var failure = await Send(notifications).Should().ThrowAsync<DeliveryException>();

        failure.Which.Category.Should().Be(DeliveryFailure.TlsUnavailable);
        failure.Which.IsTransient.Should().BeFalse();
        server.Messages().Should().BeEmpty();
    }

    [Fact]
    public async Task A_password_is_not_sent_to_a_server_that_offers_no_tls_even_on_this_machine()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = ServerSettings(server, tls: "Auto");
        settings["EMAIL_PASSWORD"] = "secret";
        using var notifications = Host(settings);

        var failure = await Send(notifications).Should().ThrowAsync<DeliveryException>();

        failure.Which.Category.Should().Be(DeliveryFailure.TlsUnavailable);
        server.Messages().Should().BeEmpty();
    }

    [Fact]
    public async Task Tls_switched_off_with_a_password_stops_the_host_at_start_up()
    {
        using var notifications = Host(new()
        {
            ["SMTP_HOST"] = "smtp.example.com",
            ["EMAIL_ADDRESS"] = "clinic@example.com",
            ["EMAIL_PASSWORD"] = "secret",
            [SmtpOptions.TlsKey] = "Off",
        });

        var start = () => notifications.Host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("never sent without TLS");
    }

    [Theory]
    [InlineData("587", "STARTTLS required")]
    [InlineData("465", "TLS on connect")]
    public async Task Start_up_says_how_email_is_secured(string port, string said)
    {
        using var notifications = Host(new() { ["SMTP_HOST"] = "smtp.example.com", ["SMTP_PORT"] = port, ["EMAIL_ADDRESS"] = "clinic@example.com" });

        await notifications.Host.StartAsync();
        await notifications.Host.StopAsync();

        notifications.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.StartsWith("Email reminders are sent by SMTP to smtp.example.com", StringComparison.Ordinal))
            .Which.Message.Should().Contain(said);
    }

    private static Dictionary<string, string?> ServerSettings(SmtpTestServer server, string tls) => new()
    {
        ["SMTP_HOST"] = "127.0.0.1",
        ["SMTP_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EMAIL_ADDRESS"] = "clinic@example.com",
        [SmtpOptions.TlsKey] = tls,
    };

    private static ClinicHost Host(Dictionary<string, string?> settings) => new(TimeProvider.System, settings: settings);

    private static Func<Task> Send(ClinicHost host) =>
        () => host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).SendAsync(Message, CancellationToken.None);
}
