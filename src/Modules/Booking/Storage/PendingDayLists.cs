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
    private readonly ConcurrentDictionary<string, StateEntry> _lists = new(StringComparer.Ordinal);

    /// <summary><paramref name="read"/> with each day list a queued write changes as that write leaves it; the same instance when there is none.</summary>
    public IReadOnlyList<StateEntry> Over(IReadOnlyList<StateEntry> read)
    {
        if (_lists.IsEmpty)
        {
            return read;
        }

        StateEntry[]? overlaid = null;
        for (var i = 0; i < read.Count; i++)
        {
            if (_lists.TryGetValue(read[i].Key, out var queued))
            {
                overlaid ??= [.. read];
                overlaid[i] = queued;
            }
        }

        return overlaid ?? read;
    }

    /// <summary>
    /// <paramref name="operations"/> with an ETag of their own for each existing day list they save, and those lists as
    /// they will be once written.
    /// </summary>
    public static (List<StateOperation> Operations, List<StateEntry> Lists) Chain(List<StateOperation> operations)
    {
        var lists = new List<StateEntry>();
        var chained = new List<StateOperation>(operations.Count);
        foreach (var operation in operations)
        {
            if (operation is { Kind: StateOperationKind.Save, ETag: not null, Value: { } value } && BookingKeys.IsDoctorDay(operation.Key))
            {
                var given = operation with { NewETag = Guid.NewGuid().ToString() };
                lists.Add(new StateEntry(given.Key, value, given.NewETag));
                chained.Add(given);
            }
            else
            {
                chained.Add(operation);
            }
        }

        return (chained, lists);
    }

    /// <summary>From now until <see cref="Withdraw"/>, reads of these keys plan on these lists.</summary>
    public void Publish(List<StateEntry> lists)
    {
        foreach (var list in lists)
        {
            _lists[list.Key] = list;
        }
    }

    /// <summary>The write is answered: the store says what these keys hold. A list queued after it stays.</summary>
    public void Withdraw(List<StateEntry> lists)
    {
        foreach (var list in lists)
        {
            _lists.TryRemove(KeyValuePair.Create(list.Key, list));
        }
    }
}
