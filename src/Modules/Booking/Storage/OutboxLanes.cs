using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// How far the consumers of one outbox lane have got (<see cref="BookingKeys.OutboxLane"/>): every event before
/// <see cref="Head"/> is done, except the ones in <see cref="Retrying"/>, which wait for another attempt at their notice.
/// Written only by consumers; producers read it to find where the lane's next event goes.
/// </summary>
internal sealed record OutboxLane(
    [property: JsonPropertyName("head")] long Head,
    [property: JsonPropertyName("retrying")] List<long> Retrying)
{
    public static OutboxLane Read(StateEntry entry) =>
        entry.Value is null ? new OutboxLane(0, []) : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.OutboxLane)!;

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.OutboxLane);
}

/// <summary>
/// The outbox: <see cref="Count"/> lanes of numbered event keys (<see cref="BookingKeys.OutboxEvent"/>). A change appends
/// its event as the next number of a lane with a first-write, so no list is read and rewritten and nothing is shared by
/// every booking. Each write in this process holds one lane at a time (the next free one, in an order of this process's
/// own, so replicas seldom meet in a lane) and this process remembers where each lane ends; another process appending
/// to the same lane shows up as that number taken, and the writer looks further. Numbers below the lane's head are done
/// and may be deleted, so a writer never appends below it.
/// </summary>
internal sealed class OutboxLanes(IStateStore state) : IDisposable
{
    /// <summary>More lanes than writes this process runs at once, so a write seldom waits for one.</summary>
    public const int Count = 64;

    private const int ProbeWindow = 16;

    private readonly SemaphoreSlim _free = new(Count, Count);
    private readonly ConcurrentStack<int> _lanes = new(Enumerable.Range(0, Count).OrderBy(_ => Random.Shared.Next()));
    private readonly long[] _tails = Enumerable.Repeat(-1L, Count).ToArray();

    /// <summary>Waits for a free lane and holds it until the returned lease is disposed.</summary>
    public async Task<LaneLease> RentAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        _lanes.TryPop(out var lane);
        return new LaneLease(this, lane, Volatile.Read(ref _tails[lane]));
    }

    /// <summary>
    /// The first free number of <paramref name="lane"/> at or after both <paramref name="from"/> and the lane's head:
    /// reads the lane's state, then its numbers a window at a time.
    /// </summary>
    public async Task<long> FindTailAsync(int lane, long from, CancellationToken cancellationToken)
    {
        var head = OutboxLane.Read(await state.GetAsync(BookingKeys.OutboxLane(lane), cancellationToken)).Head;
        var position = Math.Max(from, head);
        while (true)
        {
            var window = await state.GetBulkAsync(
                Enumerable.Range(0, ProbeWindow).Select(i => BookingKeys.OutboxEvent(lane, position + i)).ToList(), cancellationToken);
            var free = window.ToList().FindIndex(e => !e.Exists);
            if (free >= 0)
            {
                return position + free;
            }

            position += ProbeWindow;
        }
    }

    public void Dispose() => _free.Dispose();

    private void Return(int lane, long tail)
    {
        Volatile.Write(ref _tails[lane], tail);
        _lanes.Push(lane);
        _free.Release();
    }

    /// <summary>One write's hold on a lane: <see cref="Tail"/> is where its event goes, -1 while not known.</summary>
    internal sealed class LaneLease(OutboxLanes lanes, int lane, long tail) : IDisposable
    {
        private bool _returned;

        public int Lane => lane;

        public long Tail { get; set; } = tail;

        public void Dispose()
        {
            if (!_returned)
            {
                _returned = true;
                lanes.Return(lane, Tail);
            }
        }
    }
}
