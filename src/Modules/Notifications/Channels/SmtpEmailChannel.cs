using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Appointments.Notifications.Channels;

/// <summary>The original's variable names, read as top-level configuration keys, plus <c>Notifications:Smtp:Tls</c>.</summary>
internal sealed class SmtpOptions
{
    public const string TlsKey = "Notifications:Smtp:Tls";

    [ConfigurationKeyName("SMTP_HOST")]
    public string Host { get; set; } = "smtp.gmail.com";

    [ConfigurationKeyName("SMTP_PORT")]
    public int Port { get; set; } = 587;

    /// <summary>The sender, and the login name when a password is set.</summary>
    [ConfigurationKeyName("EMAIL_ADDRESS")]
    public string? Sender { get; set; }

    [ConfigurationKeyName("EMAIL_PASSWORD")]
    public string? Password { get; set; }

    [ConfigurationKeyName(TlsKey)]
    public SmtpTls Tls { get; set; } = SmtpTls.Auto;

    public bool IsValid() => !string.IsNullOrWhiteSpace(Host) && Port is > 0 and <= 65535;

    /// <summary>A password is only ever sent inside TLS, so switching TLS off leaves no room for one.</summary>
    public bool KeepsPasswordOffClearText() => Tls != SmtpTls.Off || string.IsNullOrEmpty(Password);

    /// <summary>
    /// TLS on connect for port 465; otherwise STARTTLS, required unless the server is on this machine (where a
    /// relay without TLS is common and the mail never crosses a network) or TLS is switched off.
    /// </summary>
    public SecureSocketOptions Security => (Tls, Port) switch
    {
        (SmtpTls.Off, _) => SecureSocketOptions.None,
        (_, 465) => SecureSocketOptions.SslOnConnect,
        (SmtpTls.Auto, _) when IsLoopback => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>How the connection is secured, for the start-up log.</summary>
    public string DescribeSecurity() => Security switch
    {
        SecureSocketOptions.None => $"without TLS ({TlsKey}=Off)",
        SecureSocketOptions.SslOnConnect => "TLS on connect",
        SecureSocketOptions.StartTlsWhenAvailable => "STARTTLS when offered (the server is on this machine)",
        _ => "STARTTLS required",
    };

    private bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));
}

/// <summary><c>Notifications:Smtp:Tls</c>.</summary>
internal enum SmtpTls
{
    /// <summary>TLS required, except to a server on this machine (loopback), where it is used when offered.</summary>
    Auto,

    /// <summary>TLS required, loopback included.</summary>
    Required,

    /// <summary>No TLS; then no password may be configured.</summary>
    Off,
}

internal sealed class SmtpEmailChannel(IOptions<SmtpOptions> options, TimeProvider time) : IMessageChannel, IDisposable
{
    private readonly SmtpConnections _connections = new(options.Value, time);

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
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
            throw new DeliveryException(DeliveryFailure.InvalidAddress, $"Invalid email address: {message.WithoutAddress(ex.Message)}", isTransient: false, ex);
        }

        email.Subject = message.Subject;
        email.Body = Body(message);

        SmtpClient? client = null;
        var sent = false;
        try
        {
            client = await _connections.TakeAsync(cancellationToken);
            await client.SendAsync(email, cancellationToken);
            sent = true;
        }
        catch (SmtpCommandException ex)
        {
            // 5xx: the server refuses for good (unknown recipient, rejected sender or message); 4xx: try later.
            var status = (int)ex.StatusCode;
            throw new DeliveryException(status < 500 ? DeliveryFailure.SmtpDeferred : DeliveryFailure.SmtpRejected,
                $"SMTP server answered {status}: {message.WithoutAddress(ex.Message)}", isTransient: status < 500, ex);
        }
        catch (NotSupportedException ex)
        {
            // MailKit's answer when STARTTLS is required and the server does not offer it.
            throw new DeliveryException(DeliveryFailure.TlsUnavailable, $"SMTP server {smtp.Host}:{smtp.Port}: {ex.Message}", isTransient: false, ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or AuthenticationException
                                       or SslHandshakeException or TimeoutException)
        {
            throw new DeliveryException(DeliveryFailure.Unreachable, $"SMTP server unreachable or failing: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
        finally
        {
            // A connection whose message failed is in no known state: it is not used again.
            if (client is not null && sent)
            {
                _connections.Return(client);
            }
            else
            {
                client?.Dispose();
            }
        }
    }

    public void Dispose() => _connections.Dispose();

    /// <summary>Plain text and HTML as alternatives; an invite as a third, <c>text/calendar; method=…</c>, which is where mail clients look for it.</summary>
    private static MultipartAlternative Body(OutgoingMessage message)
    {
        var body = new MultipartAlternative
        {
            new TextPart("plain") { Text = message.Text },
            new TextPart("html") { Text = message.Html },
        };
        if (message.Invite is { } invite)
        {
            var calendar = new TextPart("calendar") { Text = invite.Text };
            calendar.ContentType.Parameters.Add("method", invite.Method);
            body.Add(calendar);
        }

        return body;
    }
}
