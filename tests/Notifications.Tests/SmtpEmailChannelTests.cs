using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Notifications.Tests;

/// <summary>The MailKit channel against a real SMTP server started by the test.</summary>
public sealed class SmtpEmailChannelTests
{
    private static readonly OutgoingMessage Message =
        ReminderText.For("alice@example.com", "dr-house", new DateTime(2026, 12, 1, 10, 0, 0), "Europe/Paris");

    [Fact]
    public async Task The_reminder_email_reaches_the_server_with_recipient_sender_subject_doctor_and_local_time()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var host = HostFor(server);

        await host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).SendAsync(Message, CancellationToken.None);

        var email = server.Messages().Should().ContainSingle().Subject;
        email.Headers["X-Envelope-To"].Should().Be("alice@example.com");
        email.Headers["X-Envelope-From"].Should().Be("clinic@example.com");
        email.To.Mailboxes.Should().ContainSingle().Which.Address.Should().Be("alice@example.com");
        email.From.Mailboxes.Should().ContainSingle().Which.Address.Should().Be("clinic@example.com");
        email.Subject.Should().Be("Appointment Reminder");
        email.TextBody.Should().Contain("dr-house").And.Contain("2026-12-01 10:00").And.Contain("Europe/Paris");
        email.HtmlBody.Should().Contain("dr-house").And.Contain("2026-12-01 10:00").And.Contain("Europe/Paris");
    }

    [Fact]
    public async Task A_server_rejecting_the_recipient_is_a_permanent_failure()
    {
        await using var server = await SmtpTestServer.StartAsync(rejectRecipients: true);
        using var host = HostFor(server);

        var send = () => host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).SendAsync(Message, CancellationToken.None);

        (await send.Should().ThrowAsync<DeliveryException>()).Which.IsTransient.Should().BeFalse();
        server.Messages().Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_failure()
    {
        int port;
        await using (var stopped = await SmtpTestServer.StartAsync())
        {
            port = stopped.Port;
        }

        using var host = new ClinicHost(TimeProvider.System, settings: new Dictionary<string, string?>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMAIL_ADDRESS"] = "clinic@example.com",
        });

        var send = () => host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).SendAsync(Message, CancellationToken.None);

        (await send.Should().ThrowAsync<DeliveryException>()).Which.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Messages_sent_one_after_another_share_one_smtp_session()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var host = HostFor(server);
        var channel = host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email);

        for (var i = 0; i < 3; i++)
        {
            await channel.SendAsync(Message, CancellationToken.None);
        }

        server.Messages().Should().HaveCount(3);
        server.Sessions.Should().Be(1, "a connection is kept between messages instead of opened for each");
    }

    [Fact]
    public async Task A_kept_connection_the_server_has_dropped_is_replaced_and_the_message_sent()
    {
        var first = await SmtpTestServer.StartAsync();
        using var host = HostFor(first);
        var channel = host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email);
        await channel.SendAsync(Message, CancellationToken.None);
        await first.DisposeAsync();
        await using var second = await SmtpTestServer.StartAsync(port: first.Port);

        await channel.SendAsync(Message, CancellationToken.None);

        second.Messages().Should().ContainSingle();
    }

    [Fact]
    public async Task A_connection_idle_longer_than_the_limit_is_not_used_again()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ClinicHost.Start);
        using var host = HostFor(server, clock);
        var channel = host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email);

        await channel.SendAsync(Message, CancellationToken.None);
        clock.Advance(SmtpConnections.MaxIdle);
        await channel.SendAsync(Message, CancellationToken.None);

        server.Messages().Should().HaveCount(2);
        server.Sessions.Should().Be(2);
    }

    [Fact]
    public async Task A_scan_sends_a_due_email_reminder_through_smtp_once()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ClinicHost.Start);
        using var clinic = HostFor(server, clock);
        var start = clock.GetUtcNow().AddHours(3);
        var id = await clinic.BookAsync("alice", start);

        await clinic.ScanAsync();
        await clinic.ScanAsync();

        server.Messages().Should().ContainSingle().Which.Subject.Should().Be("Appointment Reminder");
        (await clinic.ClaimAsync(id, start))!.Status.Should().Be("sent");
        (await clinic.ReminderAsync(id))!.Status.Should().Be("sent");
    }

    private static ClinicHost HostFor(SmtpTestServer server, TimeProvider? clock = null) =>
        new(clock ?? TimeProvider.System, settings: new Dictionary<string, string?>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMAIL_ADDRESS"] = "clinic@example.com",
        });
}
