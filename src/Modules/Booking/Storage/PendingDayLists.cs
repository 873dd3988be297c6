using System.Collections.Concurrent;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// The doctors' day lists as this replica's queued writes will leave them: a transaction the store has taken and not
/// yet answered. Where the store keeps the ETags it is given (<see cref="IStateStore.KeepsGivenETags"/>), a booking of
/// the same day plans on that list and conditions its write on the ETag the queued one gives it, so it commits right
/// after it, in the same commit or the next, instead of failing on the old ETag and starting over: a busy doctor's
/// bookings on one replica follow one another through the write queue.
/// <para>
/// A queued list is a guess, never a fact. The store's ETag check decides: when the queued write fails, every write
/// planned on it fails too and plans again from a fresh read. A refusal is never decided on a guess
/// (<see cref="AppointmentWriter"/>). Only lists that already exist are chained: a save under an ETag inserts a
/// missing key, so a list created by a write that then failed would come back with that write's entry in it.
/// </para>
/// </summary>
internal sealed class PendingDayLists
{
    // A chain of queued writes of one day is at most as long as the bookings of that day in flight on this replica.
    private const int MaxVersions = 16;

    private readonly ConcurrentDictionary<string, Queued> _lists = new(StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="read"/> with each day list a queued write changes as that write leaves it; the same instance when
    /// there is none. A list the store holds in a version the queued write was not planned on is read as stored: that
    /// write cannot commit any more.
    /// </summary>
    public IReadOnlyList<StateEntry> Over(IReadOnlyList<StateEntry> read)
    {
        if (_lists.IsEmpty)
        {
            return read;
        }

        StateEntry[]? overlaid = null;
        for (var i = 0; i < read.Count; i++)
        {
            if (_lists.TryGetValue(read[i].Key, out var queued) && queued.Versions.Contains(read[i].ETag))
            {
                overlaid ??= [.. read];
                overlaid[i] = queued.List;
            }
        }

        return overlaid ?? read;
    }

    /// <summary>
    /// <paramref name="operations"/> with an ETag of their own for each existing day list they save, and those lists as
    /// they will be once written.
    /// </summary>
    public (List<StateOperation> Operations, List<Queued> Lists) Chain(List<StateOperation> operations)
    {
        var lists = new List<Queued>();
        var chained = new List<StateOperation>(operations.Count);
        foreach (var operation in operations)
        {
            if (operation is { Kind: StateOperationKind.Save, ETag: { } plannedOn, Value: { } value } && BookingKeys.IsDoctorDay(operation.Key))
            {
                var given = operation with { NewETag = Guid.NewGuid().ToString() };
                string[] before = _lists.TryGetValue(operation.Key, out var queued) && queued.List.ETag == plannedOn ? queued.Versions : [plannedOn];
                lists.Add(new Queued(new StateEntry(given.Key, value, given.NewETag), [.. before.TakeLast(MaxVersions - 1), given.NewETag]));
                chained.Add(given);
            }
            else
            {
                chained.Add(operation);
            }
        }

        return (chained, lists);
    }

    /// <summary>
    /// From now until <see cref="Withdraw"/>, reads of these keys plan on these lists. A list planned on another
    /// version than the one queued before it is not shown: that one is ahead in the queue, so this one will fail.
    /// </summary>
    public void Publish(List<Queued> lists)
    {
        foreach (var queued in lists)
        {
            _lists.AddOrUpdate(queued.List.Key, queued, (_, ahead) => ahead.List.ETag == queued.Versions[^2] ? queued : ahead);
        }
    }

    /// <summary>The write is answered: the store says what these keys hold. A list queued after it stays.</summary>
    public void Withdraw(List<Queued> lists)
    {
        foreach (var queued in lists)
        {
            _lists.TryRemove(KeyValuePair.Create(queued.List.Key, queued));
        }
    }

    /// <summary>
    /// A day list as a queued write leaves it, and the versions of the list under which it can still commit: the one it
    /// was planned on and, when that was itself queued, the ones that list was planned on; its own last.
    /// </summary>
    internal sealed record Queued(StateEntry List, string[] Versions);
}
