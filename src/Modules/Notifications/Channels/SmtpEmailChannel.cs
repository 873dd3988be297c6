using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Appointments.Notifications.Channels;

/// <summary>The original's variable names, read as top-level configuration keys.</summary>
internal sealed class SmtpOptions
{
    [ConfigurationKeyName("SMTP_HOST")]
    public string Host { get; set; } = "smtp.gmail.com";

    [ConfigurationKeyName("SMTP_PORT")]
    public int Port { get; set; } = 587;

    /// <summary>The sender, and the login name when a password is set.</summary>
    [ConfigurationKeyName("EMAIL_ADDRESS")]
    public string? Sender { get; set; }

    [ConfigurationKeyName("EMAIL_PASSWORD")]
    public string? Password { get; set; }

    public bool IsValid() => !string.IsNullOrWhiteSpace(Host) && Port is > 0 and <= 65535;
}

internal sealed class SmtpEmailChannel(IOptions<SmtpOptions> options) : IReminderChannel
{
    public async Task SendAsync(ReminderMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        var sender = smtp.Sender ?? "";
        var email = new MimeMessage();
        try
        {
            email.From.Add(MailboxAddress.Parse(sender));
            email.To.Add(MailboxAddress.Parse(message.To));
        }
        catch (ParseException ex)
        {
            throw new ReminderDeliveryException($"Invalid email address: {ex.Message}", isTransient: false, ex);
        }

        email.Subject = ReminderText.Subject;
        email.Body = new BodyBuilder
        {
            TextBody = ReminderText.Plain(message),
            HtmlBody = ReminderText.Html(message),
        }.ToMessageBody();

        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Password))
            {
                await client.AuthenticateAsync(sender, smtp.Password, cancellationToken);
            }

            await client.SendAsync(email, cancellationToken);
        }
        catch (SmtpCommandException ex)
        {
            // 5xx: the server refuses for good (unknown recipient, rejected sender or message); 4xx: try later.
            var status = (int)ex.StatusCode;
            throw new ReminderDeliveryException($"SMTP server answered {status}: {ex.Message}", isTransient: status < 500, ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or AuthenticationException
                                       or SslHandshakeException or TimeoutException)
        {
            throw new ReminderDeliveryException($"SMTP server unreachable or failing: {ex.Message}", isTransient: true, ex);
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException)
        {
            // The message was accepted; failing to say goodbye must not make it look unsent.
        }
    }
}
