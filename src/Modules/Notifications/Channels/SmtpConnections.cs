using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;

namespace Appointments.Notifications.Channels;

/// <summary>
/// Connected, logged-in SMTP clients kept between messages, so that a scan's notices go over a few open connections
/// instead of each connecting, starting TLS and logging in. A client carries one message at a time. A kept one is
/// checked with NOOP before it is used again, and closed instead when it has been idle longer than
/// <see cref="MaxIdle"/>: a server or a NAT may have dropped it without a word, and a NOOP into a silently dropped
/// connection would wait for MailKit's two-minute timeout. Kept clients are closed without QUIT (for the same
/// reason); servers treat that as the end of the session.
/// </summary>
internal sealed class SmtpConnections(SmtpOptions smtp, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);

    /// <summary>More than a scan sends at once (<c>Notices:SendConcurrency</c>, 4 by default) plus a reminder scan.</summary>
    private const int MaxKept = 8;

    private readonly ConcurrentQueue<(SmtpClient Client, long IdleSince)> _kept = new();
    private volatile bool _disposed;

    /// <summary>A connected client, kept or new; connection and login errors are the caller's to map.</summary>
    public async Task<SmtpClient> TakeAsync(CancellationToken cancellationToken)
    {
        while (_kept.TryDequeue(out var kept))
        {
            if (time.GetElapsedTime(kept.IdleSince) < MaxIdle && kept.Client.IsConnected)
            {
                try
                {
                    await kept.Client.NoOpAsync(cancellationToken);
                    return kept.Client;
                }
                catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException)
                {
                    // Gone while it waited: open a new one below.
                }
                catch
                {
                    kept.Client.Dispose();
                    throw;
                }
            }

            kept.Client.Dispose();
        }

        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Password))
            {
                if (!client.IsSecure)
                {
                    throw new DeliveryException(DeliveryFailure.TlsUnavailable,
                        $"SMTP server {smtp.Host}:{smtp.Port} offers no TLS; EMAIL_PASSWORD is never sent without it", isTransient: false);
                }

                await client.AuthenticateAsync(smtp.Sender ?? "", smtp.Password, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Keeps a client whose last message went through, for the next one.</summary>
    public void Return(SmtpClient client)
    {
        if (_disposed || _kept.Count >= MaxKept)
        {
            client.Dispose();
            return;
        }

        _kept.Enqueue((client, time.GetTimestamp()));

        // One returned while the host stopped must not stay open.
        if (_disposed)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_kept.TryDequeue(out var kept))
        {
            kept.Client.Dispose();
        }
    }
}
