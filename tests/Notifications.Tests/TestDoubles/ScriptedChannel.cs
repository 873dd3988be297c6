using System.Collections.Concurrent;
using Appointments.Notifications.Channels;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>Counts sends; fails the next sends with the exceptions queued, and can hold the next send until released.</summary>
internal sealed class ScriptedChannel : IMessageChannel
{
    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _attempts;
    private TaskCompletionSource? _hold;

    public ConcurrentQueue<OutgoingMessage> Sent { get; } = new();

    public int Attempts => Volatile.Read(ref _attempts);

    public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static DeliveryException Transient() => new(DeliveryFailure.SmtpDeferred, "SMTP server answered 451: try later", isTransient: true);

    public static DeliveryException Permanent() => new(DeliveryFailure.SmtpRejected, "SMTP server answered 550: no such user", isTransient: false);

    /// <summary>Makes the next send wait until the returned source is completed.</summary>
    public TaskCompletionSource HoldNextSend()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = hold;
        return hold;
    }

    public void FailNext(params Exception[] failures)
    {
        foreach (var failure in failures)
        {
            _failures.Enqueue(failure);
        }
    }

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        FirstAttempt.TrySetResult();
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        // Widens the window between claim and completion, so racing scanners really overlap.
        await Task.Yield();
        if (_failures.TryDequeue(out var failure))
        {
            throw failure;
        }

        Sent.Enqueue(message);
    }
}
