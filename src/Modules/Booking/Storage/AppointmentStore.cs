using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

internal enum WriteOutcome
{
    Written,

    /// <summary>Another active appointment holds one of the time cells or the slot.</summary>
    TimeTaken,

    /// <summary>The appointment changed since it was read (its ETag moved on).</summary>
    Changed,
}

internal sealed record StoredAppointment(Appointment Appointment, string ETag);

/// <summary>
/// Reads and writes appointments as keys in the state store. One write is one transaction: the document,
/// the first-write keys for every time cell and slot it newly holds, deletes for the ones it releases, and
/// the index entries. Index conflicts are retried here; a taken cell or slot is reported.
/// </summary>
internal sealed class AppointmentStore(IStateStore state)
{
    private const int MaxIndexRetries = 20;

    public async Task<StoredAppointment?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.Appointment(id), cancellationToken);
        var appointment = Read(entry);
        return appointment is null || appointment.IsDeleted ? null : new StoredAppointment(appointment, entry.ETag);
    }

    public async Task<IReadOnlyList<Appointment>> ForUserAsync(string username, CancellationToken cancellationToken)
    {
        var index = await state.GetAsync(BookingKeys.UserIndex(username), cancellationToken);
        return await LoadAsync(Ids(index), cancellationToken);
    }

    public async Task<IReadOnlyList<Appointment>> StartingBetweenAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (var hour = BookingKeys.Floor(fromUtc, TimeSpan.FromHours(1)); hour < toUtc; hour = hour.AddHours(1))
        {
            for (var shard = 0; shard < BookingKeys.StartIndexShards; shard++)
            {
                keys.Add(BookingKeys.StartIndex(hour, shard));
            }
        }

        var indexes = await state.GetBulkAsync(keys, cancellationToken);
        var appointments = await LoadAsync(indexes.SelectMany(Ids).ToList(), cancellationToken);
        return appointments.Where(a => a.IsActive && a.StartUtc >= fromUtc && a.StartUtc < toUtc).ToList();
    }

    /// <summary>
    /// Replaces <paramref name="current"/> (null for a new appointment) with <paramref name="next"/>,
    /// all or nothing.
    /// </summary>
    public async Task<WriteOutcome> TryWriteAsync(StoredAppointment? current, Appointment next, CancellationToken cancellationToken)
    {
        var held = current is null ? [] : BookingKeys.Holds(current.Appointment).ToHashSet(StringComparer.Ordinal);
        var holds = BookingKeys.Holds(next).ToHashSet(StringComparer.Ordinal);
        var taking = holds.Where(key => !held.Contains(key)).ToList();
        var releasing = held.Where(key => !holds.Contains(key)).ToList();
        var indexChanges = IndexChanges(current?.Appointment, next);
        var documentKey = BookingKeys.Appointment(next.Id);
        var heldBy = JsonSerializer.SerializeToUtf8Bytes(next.Id, StorageJson.Default.String);

        for (var attempt = 0; attempt < MaxIndexRetries; attempt++)
        {
            var operations = new List<StateOperation>(taking.Count + releasing.Count + indexChanges.Count + 1)
            {
                current is null
                    ? StateOperation.Create(documentKey, Serialize(next))
                    : StateOperation.Save(documentKey, Serialize(next), current.ETag),
            };
            operations.AddRange(taking.Select(key => StateOperation.Create(key, heldBy)));

            // The document's ETag guards these: only the transaction that moves this appointment away
            // from a cell can release it.
            operations.AddRange(releasing.Select(key => StateOperation.Delete(key)));
            operations.AddRange(await IndexOperationsAsync(indexChanges, next.Id, cancellationToken));

            if (await state.TryExecuteAsync(operations, cancellationToken))
            {
                return WriteOutcome.Written;
            }

            var now = await state.GetBulkAsync([documentKey, .. taking], cancellationToken);
            if (current is null ? now[0].Exists : now[0].ETag != current.ETag)
            {
                return WriteOutcome.Changed;
            }

            if (now.Skip(1).Any(entry => entry.Exists))
            {
                return WriteOutcome.TimeTaken;
            }

            // Only an index moved under us: read it again and retry.
        }

        throw new StateStoreUnavailableException($"Writing appointment {next.Id} kept conflicting on its indexes.");
    }

    private static byte[] Serialize(Appointment appointment) =>
        JsonSerializer.SerializeToUtf8Bytes(appointment, StorageJson.Default.Appointment);

    private static Appointment? Read(StateEntry entry) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Appointment);

    private static List<string> Ids(StateEntry index) =>
        index.Value is null ? [] : JsonSerializer.Deserialize(index.Value, StorageJson.Default.ListString) ?? [];

    private async Task<IReadOnlyList<Appointment>> LoadAsync(List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var entries = await state.GetBulkAsync(ids.Select(BookingKeys.Appointment).ToList(), cancellationToken);
        return entries.Select(Read).OfType<Appointment>().Where(a => !a.IsDeleted).ToList();
    }

    /// <summary>Which index keys gain (true) or lose (false) this appointment's id.</summary>
    private static Dictionary<string, bool> IndexChanges(Appointment? current, Appointment next)
    {
        var changes = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (current is null)
        {
            changes[BookingKeys.UserIndex(next.Username)] = true;
        }
        else if (next.IsDeleted)
        {
            changes[BookingKeys.UserIndex(next.Username)] = false;
        }

        // The start index lists exactly the appointments that hold time, where they hold it.
        var before = current is { HoldsTime: true } ? BookingKeys.StartIndexFor(current) : null;
        var after = next.HoldsTime ? BookingKeys.StartIndexFor(next) : null;
        if (before != after)
        {
            if (before is not null)
            {
                changes[before] = false;
            }

            if (after is not null)
            {
                changes[after] = true;
            }
        }

        return changes;
    }

    private async Task<List<StateOperation>> IndexOperationsAsync(Dictionary<string, bool> changes, string id, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var entries = await state.GetBulkAsync(changes.Keys.ToList(), cancellationToken);
        var operations = new List<StateOperation>(entries.Count);
        foreach (var entry in entries)
        {
            var ids = Ids(entry);
            ids.Remove(id);
            if (changes[entry.Key])
            {
                ids.Add(id);
            }

            var value = JsonSerializer.SerializeToUtf8Bytes(ids, StorageJson.Default.ListString);
            if (entry.Exists)
            {
                operations.Add(ids.Count == 0 ? StateOperation.Delete(entry.Key, entry.ETag) : StateOperation.Save(entry.Key, value, entry.ETag));
            }
            else if (ids.Count > 0)
            {
                // First-write: two bookings that both found the index missing cannot both create it.
                operations.Add(StateOperation.Create(entry.Key, value));
            }
        }

        return operations;
    }
}
