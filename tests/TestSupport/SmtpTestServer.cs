using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Appointments.TestSupport;

/// <summary>
/// A real SMTP server in the test's process (the SmtpServer package) on a free loopback port. It keeps every
/// message it accepts, with the SMTP envelope in X-Envelope-From and X-Envelope-To headers, for the test to read;
/// with <c>rejectRecipients</c> it refuses every RCPT TO with 550. It counts the SMTP sessions clients opened.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly ConcurrentQueue<MimeMessage> _messages;
    private int _sessions;

    private SmtpTestServer(SmtpServer.SmtpServer server, Task running, ConcurrentQueue<MimeMessage> messages, int port)
    {
        _server = server;
        _running = running;
        _messages = messages;
        Port = port;
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
    }

    public int Port { get; }

    public int Sessions => Volatile.Read(ref _sessions);

    /// <param name="port">0 for a free one; a stopped server's port to stand in for it.</param>
    public static async Task<SmtpTestServer> StartAsync(bool rejectRecipients = false, int port = 0)
    {
        var listeners = new EndpointListenerFactory();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => listening.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var messages = new ConcurrentQueue<MimeMessage>();
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Recipients(rejectRecipients));
        services.Add(new KeepMessages(messages));
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();

        var server = new SmtpServer.SmtpServer(options, services);
        var running = server.StartAsync(CancellationToken.None);

        if (await Task.WhenAny(listening.Task, running) == running)
        {
            await running;
            throw new InvalidOperationException("The SMTP server stopped before it listened.");
        }

        return new SmtpTestServer(server, running, messages, await listening.Task);
    }

    public IReadOnlyList<MimeMessage> Messages() => [.. _messages];

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _server.ShutdownTask;
        await _running;
    }

    private sealed class Recipients(bool reject) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        /// <summary>False is answered with 550, a permanent refusal.</summary>
        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!reject);
    }

    private sealed class KeepMessages(ConcurrentQueue<MimeMessage> messages) : IMessageStore
    {
        public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var content = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(content, cancellationToken);
            message.Headers.Add("X-Envelope-From", transaction.From.AsAddress());
            message.Headers.Add("X-Envelope-To", string.Join(", ", transaction.To.Select(to => to.AsAddress())));
            messages.Enqueue(message);
            return SmtpResponse.Ok;
        }
    }
}
