using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>Where an event is: its lane and number, with the ETag and bytes it was read with.</summary>
internal sealed record OutboxPosition(int Lane, long Number, string ETag, byte[] Bytes);

/// <summary>
/// One lane as a read found it: its state (with the ETag it was read with), the numbers read from its head on, and the
/// numbers that will never be written (a hole left by a write that gave up; see <see cref="OutboxStore.HoleAge"/>).
/// </summary>
internal sealed record LaneRead(int Lane, StateEntry Entry, OutboxLane State, IReadOnlyList<long> Read, IReadOnlyList<long> Holes, bool HasMore);

/// <summary>
/// The consumers' side of the outbox (<see cref="OutboxLanes"/>): reads the pending events of every lane, a bounded
/// number per lane, and moves a lane's head past what is done, deleting it, under the lane state's ETag.
/// </summary>
internal sealed class OutboxStore(IStateStore state, TimeProvider time)
{
    /// <summary>
    /// A missing number with events after it that are this old will never be written: no write takes this long. The
    /// head moves past it, so one write that gave up cannot hold up a lane.
    /// </summary>
    public static readonly TimeSpan HoleAge = TimeSpan.FromMinutes(1);

    /// <summary>The most events read after a lane's head per read; a lane with more is read again by the next pass.</summary>
    private const int Window = 100;

    /// <summary>Events waiting for another attempt read per lane per pass; there are more only in a long outage.</summary>
    private const int RetryingPerRead = 32;

    public async Task<(IReadOnlyList<(OutboxPosition Position, OutboxEvent Event)> Events, IReadOnlyList<LaneRead> Lanes, bool HasMore)> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var states = await state.GetBulkAsync(Enumerable.Range(0, OutboxLanes.Count).Select(BookingKeys.OutboxLane).ToList(), cancellationToken);
        var lanes = states.Select((entry, lane) => (Lane: lane, Entry: entry, State: OutboxLane.Read(entry))).ToList();

        // First the two numbers at each head (enough to see a lane is idle, or has a hole) and what waits for a retry.
        var first = lanes.SelectMany(l => l.State.Retrying.Take(RetryingPerRead).Concat([l.State.Head, l.State.Head + 1]).Select(n => (l.Lane, Number: n))).ToList();
        var found = await ReadAsync(first, cancellationToken);
        var busy = lanes.Where(l => found.ContainsKey((l.Lane, l.State.Head)) || found.ContainsKey((l.Lane, l.State.Head + 1))).ToList();

        // The batch takes at most max events: the busier the lanes, the fewer of each are worth reading.
        var width = Math.Clamp(max / Math.Max(1, busy.Count), 2, Window);
        var window = busy.SelectMany(l => Enumerable.Range(2, width - 2).Select(i => (l.Lane, Number: l.State.Head + i))).ToList();
        foreach (var (key, value) in await ReadAsync(window, cancellationToken))
        {
            found[key] = value;
        }

        var now = time.GetUtcNow();
        var events = new List<(OutboxPosition, OutboxEvent)>();
        var reads = new List<LaneRead>();
        foreach (var (lane, entry, laneState) in lanes)
        {
            var read = new List<long>();
            var holes = new List<long>();
            foreach (var number in laneState.Retrying.Take(RetryingPerRead).Where(n => found.ContainsKey((lane, n))))
            {
                read.Add(number);
            }

            var next = laneState.Head;
            for (; next < laneState.Head + width; next++)
            {
                if (found.ContainsKey((lane, next)))
                {
                    read.Add(next);
                }
                else if (FirstAfter(found, lane, next) is { } later && now - later.At >= HoleAge)
                {
                    holes.Add(next);
                }
                else
                {
                    break;
                }
            }

            events.AddRange(read.Select(n => found[(lane, n)]));
            reads.Add(new LaneRead(lane, entry, laneState, read, holes, HasMore: next == laneState.Head + width));
        }

        return (events.OrderBy(e => e.Item2.At).Take(max).ToList(), reads, events.Count > max || reads.Any(r => r.HasMore));
    }

    /// <summary>
    /// Moves <paramref name="lane"/>'s head past every number that is done, waiting or a hole, and deletes what is done
    /// with <paramref name="alsoDelete"/>, under the lane state's ETag: false when another consumer moved it first.
    /// </summary>
    public Task<bool> CompleteAsync(LaneRead lane, IReadOnlySet<long> done, IReadOnlySet<long> retrying, IEnumerable<string> alsoDelete, CancellationToken cancellationToken)
    {
        var passed = done.Concat(retrying).Concat(lane.Holes).ToHashSet();
        var head = lane.State.Head;
        while (passed.Contains(head))
        {
            head++;
        }

        var waiting = lane.State.Retrying.Except(done).Union(retrying).Order().ToList();
        if (head == lane.State.Head && waiting.SequenceEqual(lane.State.Retrying) && done.Count == 0)
        {
            return Task.FromResult(true);
        }

        List<StateOperation> operations = [Lists.Write(lane.Entry, new OutboxLane(head, waiting).ToBytes())];
        operations.AddRange(done.Select(n => StateOperation.Delete(BookingKeys.OutboxEvent(lane.Lane, n))));
        operations.AddRange(alsoDelete.Select(key => StateOperation.Delete(key)));
        return state.TryExecuteAsync(operations, cancellationToken);
    }

    private static OutboxEvent? FirstAfter(Dictionary<(int Lane, long Number), (OutboxPosition Position, OutboxEvent Event)> found, int lane, long number)
    {
        for (var n = number + 1; n <= number + Window; n++)
        {
            if (found.TryGetValue((lane, n), out var later))
            {
                return later.Event;
            }
        }

        return null;
    }

    private async Task<Dictionary<(int Lane, long Number), (OutboxPosition Position, OutboxEvent Event)>> ReadAsync(List<(int Lane, long Number)> positions, CancellationToken cancellationToken)
    {
        var entries = await state.GetManyAsync(positions.Select(p => BookingKeys.OutboxEvent(p.Lane, p.Number)).ToList(), cancellationToken);
        var found = new Dictionary<(int, long), (OutboxPosition, OutboxEvent)>();
        foreach (var (position, entry) in positions.Zip(entries))
        {
            if (entry.Value is { } value)
            {
                found[position] = (new OutboxPosition(position.Lane, position.Number, entry.ETag, value), OutboxEvent.Read(value));
            }
        }

        return found;
    }
}
