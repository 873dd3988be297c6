namespace Appointments.TestSupport;

/// <summary>
/// A host's clock for tests: "now" starts at a fixed instant and moves only with real time or <see cref="Advance"/>,
/// so test dates never go stale. Timers and timestamps stay real: the resilience pipelines take their
/// timeouts and retry delays from the same <see cref="TimeProvider"/>, and a frozen clock would stop them.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _startedAt = System.GetTimestamp();
    private long _advancedTicks;

    public override DateTimeOffset GetUtcNow() =>
        start + System.GetElapsedTime(_startedAt) + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves "now" forward, as if that much time had passed.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _advancedTicks, by.Ticks);
}
