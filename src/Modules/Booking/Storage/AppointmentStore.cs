using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

internal enum WriteOutcome
{
    Written,

    /// <summary>Another active appointment of the doctor holds one of the time cells or the slot.</summary>
    TimeTaken,

    /// <summary>Another active appointment of the patient holds one of the time cells.</summary>
    PatientBusy,

    /// <summary>The appointment changed since it was read (its ETag moved on).</summary>
    Changed,

    /// <summary>The <c>Idempotency-Key</c> was used by another request meanwhile.</summary>
    KeyTaken,
}

internal sealed record StoredAppointment(Appointment Appointment, string ETag);

/// <summary>
/// One change of one appointment: <paramref name="Current"/> (null for a new one) becomes <paramref name="Next"/>,
/// recorded by <paramref name="History"/>, with the caller's idempotency key when the request carried one.
/// </summary>
internal sealed record AppointmentWrite(StoredAppointment? Current, Appointment Next, HistoryEntry History)
{
    public IdempotencyClaim? Idempotency { get; init; }

    /// <summary>The notice the change owes the patient: written to the outbox in the same transaction.</summary>
    public Notice? Notice { get; init; }
}

/// <param name="KeyHash">The hash of the caller's <c>Idempotency-Key</c>.</param>
internal sealed record IdempotencyClaim(string Username, string KeyHash, IdempotencyRecord Record);

/// <summary>
/// Reads and writes appointments as keys in the state store. One write is one transaction: the document, its
/// history record, the first-write keys for every time cell and slot it newly holds, deletes for the ones it
/// releases, and the index entries. Index conflicts are retried here; a taken cell or slot is reported.
/// </summary>
internal sealed class AppointmentStore(IStateStore state, Clinic clinic)
{
    // Sixteen bookings at once into one doctor's hour race for its four day and four start-hour shards, and new ones
    // keep arriving: at 20 attempts one booking in ~50,000 lost every race and was answered 503 (the bench's seeding).
    private const int MaxIndexRetries = 50;

    // A page reads the user's month buckets a few at a time, and stops at the first that fills it.
    private const int MonthsPerRead = 3;

    public async Task<StoredAppointment?> FindAsync(string id, CancellationToken cancellationToken) =>
        await FindIncludingDeletedAsync(id, cancellationToken) is { Appointment.IsDeleted: false } stored ? stored : null;

    /// <summary>The document, tombstones included: a deleted appointment keeps its history for admins.</summary>
    public async Task<StoredAppointment?> FindIncludingDeletedAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.Appointment(id), cancellationToken);
        return Read(entry) is { } appointment ? new StoredAppointment(appointment, entry.ETag) : null;
    }

    /// <summary>The document and where its reminder and notices stand, in one read.</summary>
    public async Task<(StoredAppointment? Stored, Deliveries Deliveries)> FindWithDeliveriesAsync(string id, CancellationToken cancellationToken)
    {
        var entries = await state.GetBulkAsync([BookingKeys.Appointment(id), BookingKeys.Deliveries(id)], cancellationToken);
        return Read(entries[0]) is { IsDeleted: false } appointment
            ? (new StoredAppointment(appointment, entries[0].ETag), ReadDeliveries(entries[1]))
            : (null, Deliveries.None);
    }

    public Task RecordReminderAsync(string id, AppointmentReminder reminder, CancellationToken cancellationToken) =>
        UpdateAsync([BookingKeys.Deliveries(id)], entries => [SaveDeliveries(entries[0], ReadDeliveries(entries[0]) with { Reminder = reminder })], cancellationToken);

    /// <summary>The oldest <paramref name="max"/> notices in the outbox that are neither sent nor given up on, oldest first.</summary>
    public async Task<IReadOnlyList<Notice>> PendingNoticesAsync(int max, CancellationToken cancellationToken)
    {
        var shards = await state.GetBulkAsync(Enumerable.Range(0, BookingKeys.NoticeShards).Select(BookingKeys.PendingNotices).ToList(), cancellationToken);
        var pending = shards.SelectMany(IndexEntries).Order().Take(max).ToList();
        if (pending.Count == 0)
        {
            return [];
        }

        var records = await state.GetBulkAsync(pending.Select(e => BookingKeys.Notice(e.Id)).ToList(), cancellationToken);
        return records.Where(r => r.Value is not null).Select(r => JsonSerializer.Deserialize(r.Value, StorageJson.Default.Notice)!).ToList();
    }

    /// <summary>
    /// Shows a notice's delivery on its appointment; once sent or given up on, it leaves the pending index and its
    /// outbox record is removed in the same transaction, so finished notices do not pile up.
    /// </summary>
    public Task RecordNoticeAsync(string appointmentId, string noticeId, NoticeDelivery delivery, bool finished, CancellationToken cancellationToken)
    {
        var pendingKeys = new[] { BookingKeys.PendingNoticesOf(appointmentId), BookingKeys.LegacyPendingNoticesOf(appointmentId) }.Distinct();
        return UpdateAsync([BookingKeys.Deliveries(appointmentId), .. pendingKeys], entries =>
        {
            var deliveries = ReadDeliveries(entries[0]);
            var notices = deliveries.Notices.ToList();
            var at = notices.FindIndex(n => n.Id == noticeId);
            if (at >= 0)
            {
                notices[at] = delivery;
            }
            else
            {
                notices.Add(delivery);
            }

            var operations = new List<StateOperation> { SaveDeliveries(entries[0], deliveries with { Notices = notices }) };
            if (finished)
            {
                // What it said is needed no more once it is sent or given up on: only its delivery stays, shown above.
                operations.Add(StateOperation.Delete(BookingKeys.Notice(noticeId)));
                foreach (var list in entries.Skip(1))
                {
                    var pending = IndexEntries(list);
                    if (pending.RemoveAll(e => e.Id == noticeId) > 0)
                    {
                        operations.AddRange(ListOperation(list, pending, StorageJson.Default.ListIndexEntry));
                    }
                }
            }

            return operations;
        }, cancellationToken);
    }

    /// <summary>The appointment's audit trail, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Appointment appointment, CancellationToken cancellationToken)
    {
        if (appointment.Version == 0)
        {
            return [];
        }

        var keys = Enumerable.Range(1, appointment.Version).Select(version => BookingKeys.History(appointment.Id, version)).ToList();
        var entries = await state.GetBulkAsync(keys, cancellationToken);
        return entries.Where(e => e.Value is not null)
            .Select(e => JsonSerializer.Deserialize(e.Value, StorageJson.Default.HistoryEntry)!)
            .ToList();
    }

    /// <summary>What an idempotency key (by its hash) was used for in the patient's bookings of the last 24 hours, if anything.</summary>
    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string username, string keyHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        IdempotencyRecord.Find((await state.GetBulkAsync(IdempotencyKeys(username, keyHash), cancellationToken)).Select(IdempotencyRecord.ReadKeys), keyHash, now);

    private static List<string> IdempotencyKeys(string username, string keyHash) =>
        [BookingKeys.Idempotency(username, keyHash), BookingKeys.LegacyIdempotency(username)];

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

        bool InPage(IndexEntry e) => e.Start >= fromTicks && e.Start < toTicks && (after is not { } a || a.IsBefore(e.Start, e.Id));

        var found = new List<Appointment>(limit + 1);
        foreach (var chunk in months.Chunk(MonthsPerRead))
        {
            var buckets = await state.GetBulkAsync(chunk.Select(m => BookingKeys.UserMonth(username, m)).ToList(), cancellationToken);

            // Buckets are sorted and come back in month order, so their entries are in page order. Each is parsed
            // only until the page is full, so a first page costs the same whether a month holds twenty or hundreds.
            var cursors = buckets.Select(b => new IndexCursor(b.Value)).ToList();
            while (true)
            {
                var batch = new List<IndexEntry>(limit + 1 - found.Count);
                foreach (var cursor in cursors)
                {
                    cursor.TakeInto(batch, limit + 1 - found.Count, InPage);
                }

                if (batch.Count == 0)
                {
                    break;
                }

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

    /// <summary>Applies <paramref name="write"/> all or nothing, retrying only when an index moved under it.</summary>
    public async Task<WriteOutcome> TryWriteAsync(AppointmentWrite write, CancellationToken cancellationToken)
    {
        var (current, next) = (write.Current, write.Next);
        var held = current is null ? [] : BookingKeys.Holds(current.Appointment).ToHashSet(StringComparer.Ordinal);
        var holds = BookingKeys.Holds(next).ToHashSet(StringComparer.Ordinal);
        var taking = holds.Where(key => !held.Contains(key)).ToList();
        var releasing = held.Where(key => !holds.Contains(key)).ToList();
        var indexChanges = IndexChange.Between(current?.Appointment, next, clinic.Zone);
        if (write.Notice is { } notice)
        {
            indexChanges = [.. indexChanges, new IndexChange(BookingKeys.PendingNoticesOf(next.Id), notice.Id, new IndexEntry(notice.Id, notice.CreatedAt.UtcTicks))];
        }

        var documentKey = BookingKeys.Appointment(next.Id);
        var heldBy = JsonSerializer.SerializeToUtf8Bytes(next.Id, StorageJson.Default.String);
        var history = StateOperation.Create(BookingKeys.History(next.Id, next.Version), JsonSerializer.SerializeToUtf8Bytes(write.History, StorageJson.Default.HistoryEntry));
        var doctorVersions = new[] { current?.Appointment.Doctor, next.Doctor }.OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(doctor => StateOperation.Save(BookingKeys.DoctorVersion(doctor), heldBy)).ToList();

        for (var attempt = 0; attempt < MaxIndexRetries; attempt++)
        {
            var operations = new List<StateOperation>(taking.Count + releasing.Count + indexChanges.Count + 4)
            {
                current is null
                    ? StateOperation.Create(documentKey, Serialize(next))
                    : StateOperation.Save(documentKey, Serialize(next), current.ETag),
                history,
            };
            if (write.Notice is { } owed)
            {
                operations.Add(StateOperation.Create(BookingKeys.Notice(owed.Id), JsonSerializer.SerializeToUtf8Bytes(owed, StorageJson.Default.Notice)));
            }

            operations.AddRange(doctorVersions);

            operations.AddRange(taking.Select(key => StateOperation.Create(key, heldBy)));
            var (indexOperations, keyTaken) = await ReadModifyWriteAsync(indexChanges, next, write.Idempotency, releasing, heldBy, cancellationToken);
            if (keyTaken)
            {
                return WriteOutcome.KeyTaken;
            }

            operations.AddRange(indexOperations);
            if (await state.TryExecuteAsync(operations, cancellationToken))
            {
                return WriteOutcome.Written;
            }

            var outcome = await WhyNotAsync(current, documentKey, taking, cancellationToken);
            if (outcome is not null)
            {
                return outcome.Value;
            }

            // Only an index moved under us: read it again and retry.
        }

        throw new StateStoreUnavailableException($"Writing appointment {next.Id} kept conflicting on its indexes.");
    }

    /// <summary>
    /// Why a transaction failed, from what its first-write and ETag-checked keys hold now (a failed transaction
    /// does not say): null when none of them explains it, which leaves a read-modify-write key that moved (an
    /// index, or the caller's idempotency keys; the next attempt reads those again).
    /// </summary>
    private async Task<WriteOutcome?> WhyNotAsync(StoredAppointment? current, string documentKey, List<string> taking, CancellationToken cancellationToken)
    {
        var now = await state.GetBulkAsync([documentKey, .. taking], cancellationToken);
        if (current is null ? now[0].Exists : now[0].ETag != current.ETag)
        {
            return WriteOutcome.Changed;
        }

        var taken = now.Skip(1).Where(entry => entry.Exists).Select(entry => entry.Key).ToList();
        return taken.Count == 0 ? null
            : taken.All(BookingKeys.IsPatientTime) ? WriteOutcome.PatientBusy
            : WriteOutcome.TimeTaken;
    }

    /// <summary>Reads <paramref name="keys"/>, writes what <paramref name="change"/> makes of them with their ETags, and tries again while another writer got there first.</summary>
    private async Task UpdateAsync(IReadOnlyList<string> keys, Func<IReadOnlyList<StateEntry>, List<StateOperation>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxIndexRetries; attempt++)
        {
            var operations = change(await state.GetBulkAsync(keys, cancellationToken));
            if (operations.Count == 0 || await state.TryExecuteAsync(operations, cancellationToken))
            {
                return;
            }
        }

        throw new StateStoreUnavailableException($"Updating {keys[0]} kept conflicting.");
    }

    private static Deliveries ReadDeliveries(StateEntry entry) =>
        entry.Value is null ? Deliveries.None : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Deliveries) ?? Deliveries.None;

    private static StateOperation SaveDeliveries(StateEntry stored, Deliveries deliveries)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(deliveries, StorageJson.Default.Deliveries);
        return stored.Exists ? StateOperation.Save(stored.Key, value, stored.ETag) : StateOperation.Create(stored.Key, value);
    }

    private static byte[] Serialize(Appointment appointment) =>
        JsonSerializer.SerializeToUtf8Bytes(appointment, StorageJson.Default.Appointment);

    private static Appointment? Read(StateEntry entry) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Appointment);

    public static List<IndexEntry> IndexEntries(StateEntry index) => ReadList(index, StorageJson.Default.ListIndexEntry);

    private static List<T> ReadList<T>(StateEntry entry, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, type) ?? [];

    /// <summary>The documents of <paramref name="ids"/> in that order, leaving out missing and deleted ones.</summary>
    public async Task<IReadOnlyList<Appointment>> LoadAsync(List<string> ids, CancellationToken cancellationToken)
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
    /// when the index is new), plus the user's month directory when a month bucket appears or empties, and the
    /// caller's idempotency keys with this one added. <c>KeyTaken</c> when another request took the key meanwhile.
    /// </summary>
    private async Task<(List<StateOperation> Operations, bool KeyTaken)> ReadModifyWriteAsync(
        IReadOnlyList<IndexChange> changes, Appointment next, IdempotencyClaim? idempotency, List<string> releasing, byte[] heldBy, CancellationToken cancellationToken)
    {
        var monthsKey = BookingKeys.UserMonths(next.Username);
        var touchesMonths = changes.Any(c => c.UserMonth is not null);
        List<string> keys = [.. releasing, .. changes.Select(c => c.Key)];
        if (touchesMonths)
        {
            keys.Add(monthsKey);
        }

        if (idempotency is not null)
        {
            keys.AddRange(IdempotencyKeys(idempotency.Username, idempotency.KeyHash));
        }

        if (keys.Count == 0)
        {
            return ([], false);
        }

        var read = await state.GetBulkAsync(keys, cancellationToken);

        // A hold is released only while it is still this appointment's: retention may have purged a past one,
        // and another booking may hold that slot name now.
        var operations = read.Take(releasing.Count)
            .Where(held => held.Value is { } value && value.AsSpan().SequenceEqual(heldBy))
            .Select(held => StateOperation.Delete(held.Key, held.ETag))
            .ToList();
        var entries = read.Skip(releasing.Count).ToList();
        var months = touchesMonths ? new SortedSet<string>(ReadList(entries[changes.Count], StorageJson.Default.ListString), StringComparer.Ordinal) : [];
        var monthsChanged = false;
        for (var i = 0; i < changes.Count; i++)
        {
            var list = IndexEntries(entries[i]);
            list.RemoveAll(e => e.Id == changes[i].Id);
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
            operations.AddRange(ListOperation(entries[changes.Count], months.ToList(), StorageJson.Default.ListString));
        }

        if (idempotency is not null)
        {
            var (stored, legacy) = (entries[^2], entries[^1]);
            var (used, legacyKeys) = (IdempotencyRecord.ReadKeys(stored), IdempotencyRecord.ReadKeys(legacy));
            var now = idempotency.Record.CreatedAt;
            if (IdempotencyRecord.Find([used, legacyKeys], idempotency.KeyHash, now) is not null)
            {
                return ([], true);
            }

            // The record is pruned of expired keys whenever a keyed booking of the patient writes it.
            var kept = used.Where(u => u.Value.IsLive(now)).ToDictionary(StringComparer.Ordinal);
            kept[idempotency.KeyHash] = idempotency.Record;
            var value = JsonSerializer.SerializeToUtf8Bytes(kept, StorageJson.Default.DictionaryStringIdempotencyRecord);
            operations.Add(stored.Exists ? StateOperation.Save(stored.Key, value, stored.ETag) : StateOperation.Create(stored.Key, value));
            if (legacy.Exists && !legacyKeys.Values.Any(r => r.IsLive(now)))
            {
                operations.Add(StateOperation.Delete(legacy.Key, legacy.ETag));
            }
        }

        return (operations, false);
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
