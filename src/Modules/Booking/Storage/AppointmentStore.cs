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

    // A page reads the user's month buckets a few at a time, and stops at the first that fills it.
    private const int MonthsPerRead = 3;

    public async Task<StoredAppointment?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.Appointment(id), cancellationToken);
        var appointment = Read(entry);
        return appointment is null || appointment.IsDeleted ? null : new StoredAppointment(appointment, entry.ETag);
    }

    /// <summary>
    /// One page of a user's appointments. Costs the month directory, the month buckets the page passes through,
    /// and the documents it shows: the same for a patient with twenty appointments as for one with thousands.
    /// </summary>
    public async Task<AppointmentPage> PageForUserAsync(string username, ListFilter filter, int limit, PagePosition? after, CancellationToken cancellationToken)
    {
        var fromTicks = Math.Max(filter.From?.UtcTicks ?? 0, after?.StartTicks ?? 0);
        var toTicks = filter.To?.UtcTicks ?? DateTimeOffset.MaxValue.UtcTicks;
        if (fromTicks >= toTicks)
        {
            return new AppointmentPage([], null);
        }

        var (firstMonth, lastMonth) = (BookingKeys.MonthOf(fromTicks), BookingKeys.MonthOf(toTicks - 1));
        var months = ReadList(await state.GetAsync(BookingKeys.UserMonths(username), cancellationToken), StorageJson.Default.ListString)
            .Where(m => string.CompareOrdinal(m, firstMonth) >= 0 && string.CompareOrdinal(m, lastMonth) <= 0)
            .ToList();

        var found = new List<Appointment>(limit + 1);
        foreach (var chunk in months.Chunk(MonthsPerRead))
        {
            var buckets = await state.GetBulkAsync(chunk.Select(m => BookingKeys.UserMonth(username, m)).ToList(), cancellationToken);

            // Buckets are sorted and come back in month order, so their entries are in page order.
            var entries = buckets.SelectMany(IndexEntries)
                .Where(e => e.Start >= fromTicks && e.Start < toTicks && (after is not { } a || a.IsBefore(e.Start, e.Id)))
                .ToList();
            foreach (var batch in entries.Chunk(limit + 1 - found.Count))
            {
                var appointments = await LoadAsync(batch.Select(e => e.Id).ToList(), cancellationToken);
                found.AddRange(appointments.Where(a => filter.Status is null || a.Status == filter.Status));
                if (found.Count > limit)
                {
                    return new AppointmentPage(found[..limit], PagePosition.Of(found[limit - 1]));
                }
            }
        }

        return new AppointmentPage(found, null);
    }

    /// <summary>Active appointments starting in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), from the start-hour index.</summary>
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
        var ids = indexes.SelectMany(IndexEntries)
            .Where(e => e.Start >= fromUtc.UtcTicks && e.Start < toUtc.UtcTicks)
            .Select(e => e.Id)
            .ToList();
        var appointments = await LoadAsync(ids, cancellationToken);
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
        var indexChanges = IndexChange.Between(current?.Appointment, next);
        var documentKey = BookingKeys.Appointment(next.Id);
        var heldBy = JsonSerializer.SerializeToUtf8Bytes(next.Id, StorageJson.Default.String);

        for (var attempt = 0; attempt < MaxIndexRetries; attempt++)
        {
            var operations = new List<StateOperation>(taking.Count + releasing.Count + indexChanges.Count + 2)
            {
                current is null
                    ? StateOperation.Create(documentKey, Serialize(next))
                    : StateOperation.Save(documentKey, Serialize(next), current.ETag),
            };
            operations.AddRange(taking.Select(key => StateOperation.Create(key, heldBy)));

            // The document's ETag guards these: only the transaction that moves this appointment away
            // from a cell can release it.
            operations.AddRange(releasing.Select(key => StateOperation.Delete(key)));
            operations.AddRange(await IndexOperationsAsync(indexChanges, next, cancellationToken));

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

    private static List<IndexEntry> IndexEntries(StateEntry index) => ReadList(index, StorageJson.Default.ListIndexEntry);

    private static List<T> ReadList<T>(StateEntry entry, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, type) ?? [];

    /// <summary>The documents of <paramref name="ids"/> in that order, leaving out missing and deleted ones.</summary>
    private async Task<IReadOnlyList<Appointment>> LoadAsync(List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var entries = await state.GetBulkAsync(ids.Select(BookingKeys.Appointment).ToList(), cancellationToken);
        return entries.Select(Read).OfType<Appointment>().Where(a => !a.IsDeleted).ToList();
    }

    /// <summary>
    /// The writes that bring every changed index up to date, each guarded by the ETag just read (or first-write
    /// when the index is new), plus the user's month directory when a month bucket appears or empties.
    /// </summary>
    private async Task<List<StateOperation>> IndexOperationsAsync(IReadOnlyList<IndexChange> changes, Appointment next, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var monthsKey = BookingKeys.UserMonths(next.Username);
        var touchesMonths = changes.Any(c => c.UserMonth is not null);
        var entries = await state.GetBulkAsync([.. changes.Select(c => c.Key), .. touchesMonths ? [monthsKey] : Array.Empty<string>()], cancellationToken);

        var operations = new List<StateOperation>(entries.Count);
        var months = touchesMonths ? new SortedSet<string>(ReadList(entries[^1], StorageJson.Default.ListString), StringComparer.Ordinal) : [];
        var monthsChanged = false;
        for (var i = 0; i < changes.Count; i++)
        {
            var list = IndexEntries(entries[i]);
            list.RemoveAll(e => e.Id == next.Id);
            if (changes[i].Entry is { } entry)
            {
                var at = list.FindIndex(e => e.CompareTo(entry) > 0);
                list.Insert(at < 0 ? list.Count : at, entry);
            }

            operations.AddRange(ListOperation(entries[i], list, StorageJson.Default.ListIndexEntry));
            if (changes[i].UserMonth is { } month)
            {
                monthsChanged |= list.Count == 0 ? months.Remove(month) : months.Add(month);
            }
        }

        if (monthsChanged)
        {
            operations.AddRange(ListOperation(entries[^1], months.ToList(), StorageJson.Default.ListString));
        }

        return operations;
    }

    private static IEnumerable<StateOperation> ListOperation<T>(StateEntry stored, List<T> list, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type)
    {
        if (stored.Exists)
        {
            yield return list.Count == 0
                ? StateOperation.Delete(stored.Key, stored.ETag)
                : StateOperation.Save(stored.Key, JsonSerializer.SerializeToUtf8Bytes(list, type), stored.ETag);
        }
        else if (list.Count > 0)
        {
            // First-write: two bookings that both found the index missing cannot both create it.
            yield return StateOperation.Create(stored.Key, JsonSerializer.SerializeToUtf8Bytes(list, type));
        }
    }
}
