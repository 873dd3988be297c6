using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// A fake clock that says which periods timers were set with, so a test moves time only once a background loop
/// waits on its timer: moved earlier, the timer would start from the later time and tick an interval late.
/// </summary>
internal sealed class TimerWatchingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<TimeSpan> _periods = new();

    public bool HasTimerEvery(TimeSpan period) => _periods.Contains(period);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _periods.Enqueue(period);
        return timer;
    }
}
