using System.Collections.Concurrent;
using Appointments.Notifications.Channels;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>Counts sends; fails the next sends with the exceptions queued, and can hold a send until released.</summary>
internal sealed class ScriptedChannel : IReminderChannel
{
    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _attempts;

    public ConcurrentQueue<ReminderMessage> Sent { get; } = new();

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>When set, every send waits for it: lets a test hold a scan in the middle of sending.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ReminderDeliveryException Transient() => new("SMTP server answered 451: try later", isTransient: true);

    public static ReminderDeliveryException Permanent() => new("SMTP server answered 550: no such user", isTransient: false);

    public void FailNext(params Exception[] failures)
    {
        foreach (var failure in failures)
        {
            _failures.Enqueue(failure);
        }
    }

    public async Task SendAsync(ReminderMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        FirstAttempt.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
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
