using System.Globalization;
using System.Text;
using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// The keys retention removes or strips, found through indexes rather than scans: the start-hour index for
/// appointments that ended long ago, the deletions-by-day index for deleted ones.
/// </summary>
internal sealed class RetentionStore(IStateStore state)
{
    private const string HourFormat = "yyyyMMddHH";
    private const string DayFormat = "yyyyMMdd";

    /// <summary>The last hour (or day) a pass finished, with the entry's ETag; null before the first pass.</summary>
    public async Task<(DateTimeOffset? Done, StateEntry Entry)> MarkAsync(string name, bool hours, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.RetentionMark(name), cancellationToken);
        return entry.Value is { } value
            ? (DateTimeOffset.ParseExact(Encoding.UTF8.GetString(value), hours ? HourFormat : DayFormat,
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), entry)
            : (null, entry);
    }

    /// <summary>Moves a mark on; false when another replica moved it first (it then did this work too).</summary>
    public Task<bool> AdvanceAsync(StateEntry mark, DateTimeOffset done, bool hours, CancellationToken cancellationToken)
    {
        var value = Encoding.UTF8.GetBytes(done.UtcDateTime.ToString(hours ? HourFormat : DayFormat, CultureInfo.InvariantCulture));
        return state.TryExecuteAsync([mark.Exists ? StateOperation.Save(mark.Key, value, mark.ETag) : StateOperation.Create(mark.Key, value)], cancellationToken);
    }

    /// <summary>Of <paramref name="hoursUtc"/>, those whose start-hour index has entries: one bulk read for them all.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> HoursWithAppointmentsAsync(IReadOnlyList<DateTimeOffset> hoursUtc, CancellationToken cancellationToken)
    {
        var keys = hoursUtc.SelectMany(hour => Enumerable.Range(0, BookingKeys.StartIndexShards).Select(shard => BookingKeys.StartIndex(hour, shard))).ToList();
        var entries = await state.GetBulkAsync(keys, cancellationToken);
        return hoursUtc.Where((_, i) => entries.Skip(i * BookingKeys.StartIndexShards).Take(BookingKeys.StartIndexShards).Any(e => e.Exists)).ToList();
    }

    /// <summary>Of <paramref name="daysUtc"/>, those with deletions listed: one bulk read for them all.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> DaysWithDeletionsAsync(IReadOnlyList<DateTimeOffset> daysUtc, CancellationToken cancellationToken)
    {
        var entries = await state.GetBulkAsync(daysUtc.Select(BookingKeys.DeletedOn).ToList(), cancellationToken);
        return daysUtc.Where((_, i) => entries[i].Exists).ToList();
    }

    /// <summary>
    /// For the appointments that started in <paramref name="hourUtc"/> and still hold their time (nobody recorded an
    /// outcome): deletes their time cells, which no booking can ever want again (bookings are in the future), and their
    /// slot while it is still theirs; then the hour's index entries. Returns how many appointments it released.
    /// </summary>
    public async Task<int> ReleasePastHourAsync(DateTimeOffset hourUtc, CancellationToken cancellationToken)
    {
        var indexKeys = Enumerable.Range(0, BookingKeys.StartIndexShards).Select(shard => BookingKeys.StartIndex(hourUtc, shard)).ToList();
        var indexes = await state.GetBulkAsync(indexKeys, cancellationToken);
        var ids = indexes.SelectMany(Entries).Select(e => e.Id).Distinct(StringComparer.Ordinal).ToList();
        var documents = ids.Count == 0 ? [] : await state.GetBulkAsync(ids.Select(BookingKeys.Appointment).ToList(), cancellationToken);
        var appointments = documents.Where(d => d.Value is not null)
            .Select(d => JsonSerializer.Deserialize(d.Value, StorageJson.Default.Appointment)!)
            .Where(a => a.HoldsTime && a.StartUtc >= hourUtc && a.StartUtc < hourUtc.AddHours(1)) // not one moved away meanwhile
            .ToList();

        var cells = appointments.SelectMany(a => BookingKeys.Cells(a).Concat(BookingKeys.PatientCells(a))).ToList();
        var slots = appointments.Where(a => !string.IsNullOrEmpty(a.Slot))
            .Select(a => (Key: BookingKeys.Slot(a.Doctor, a.Slot!), HeldBy: JsonSerializer.SerializeToUtf8Bytes(a.Id, StorageJson.Default.String)))
            .ToList();
        var slotEntries = slots.Count == 0 ? [] : await state.GetBulkAsync(slots.Select(s => s.Key).ToList(), cancellationToken);

        var operations = cells.Select(key => StateOperation.Delete(key))
            .Concat(slotEntries.Zip(slots).Where(p => p.First.Value is { } v && v.AsSpan().SequenceEqual(p.Second.HeldBy)).Select(p => StateOperation.Delete(p.First.Key, p.First.ETag)))
            .Concat(indexes.Where(i => i.Exists).Select(i => StateOperation.Delete(i.Key, i.ETag)))
            .ToList();

        // Lost races (an index entry or a slot changed meanwhile) are left for the next pass: its mark has not moved.
        return operations.Count == 0 || await state.TryExecuteAsync(operations, cancellationToken) ? appointments.Count : -1;
    }

    /// <summary>Strips the contact data of the appointments deleted on <paramref name="dayUtc"/>, leaving tombstones; then the day's index.</summary>
    public async Task<int> StripDeletedDayAsync(DateTimeOffset dayUtc, CancellationToken cancellationToken)
    {
        var index = await state.GetAsync(BookingKeys.DeletedOn(dayUtc), cancellationToken);
        var ids = Entries(index).Select(e => e.Id).ToList();
        var documents = ids.Count == 0 ? [] : await state.GetBulkAsync(ids.Select(BookingKeys.Appointment).ToList(), cancellationToken);
        var operations = documents
            .Where(d => d.Value is not null)
            .Select(d => (Entry: d, Appointment: JsonSerializer.Deserialize(d.Value, StorageJson.Default.Appointment)!))
            .Where(d => d.Appointment.IsDeleted && (d.Appointment.Email is not null || d.Appointment.Phone is not null))
            .Select(d => StateOperation.Save(d.Entry.Key,
                JsonSerializer.SerializeToUtf8Bytes(d.Appointment with { Email = null, Phone = null }, StorageJson.Default.Appointment), d.Entry.ETag))
            .ToList();
        if (index.Exists)
        {
            operations.Add(StateOperation.Delete(index.Key, index.ETag));
        }

        return operations.Count == 0 || await state.TryExecuteAsync(operations, cancellationToken) ? operations.Count - (index.Exists ? 1 : 0) : -1;
    }

    private static List<IndexEntry> Entries(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListIndexEntry) ?? [];
}
