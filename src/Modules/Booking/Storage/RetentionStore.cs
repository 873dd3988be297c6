using System.Globalization;
using System.Text;
using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// What retention reads and strips, found through the deletions-by-day lists rather than scans, a bounded number of
/// keys per read and per transaction however many were deleted that day.
/// </summary>
internal sealed class RetentionStore(IStateStore state)
{
    private const string DayFormat = "yyyyMMdd";

    /// <summary>The last day a pass finished, with the entry's ETag; null before the first pass.</summary>
    public async Task<(DateTimeOffset? Done, StateEntry Entry)> MarkAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.RetentionMark(name), cancellationToken);
        return entry.Value is { } value
            ? (DateTimeOffset.ParseExact(Encoding.UTF8.GetString(value), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), entry)
            : (null, entry);
    }

    /// <summary>Moves a mark on; false when another replica moved it first (it then did this work too).</summary>
    public Task<bool> AdvanceAsync(StateEntry mark, DateTimeOffset done, CancellationToken cancellationToken) =>
        state.TryExecuteAsync([Lists.Write(mark, Encoding.UTF8.GetBytes(done.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture)))], cancellationToken);

    /// <summary>Of <paramref name="daysUtc"/>, those with deletions listed: bounded reads of their lists.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> DaysWithDeletionsAsync(IReadOnlyList<DateTimeOffset> daysUtc, CancellationToken cancellationToken)
    {
        var keys = daysUtc.SelectMany(day => Enumerable.Range(0, BookingKeys.DeletedShards).Select(shard => BookingKeys.DeletedOn(day, shard))).ToList();
        var entries = await state.GetManyAsync(keys, cancellationToken);
        return daysUtc.Where((_, i) => entries.Skip(i * BookingKeys.DeletedShards).Take(BookingKeys.DeletedShards).Any(e => IndexList.Read(e).Count > 0)).ToList();
    }

    /// <summary>
    /// Strips the contact data of the appointments deleted on <paramref name="dayUtc"/>, leaving tombstones, a bounded
    /// number per transaction; then empties the day's lists. Returns how many it stripped, or -1 when it lost a race.
    /// </summary>
    public async Task<int> StripDeletedDayAsync(DateTimeOffset dayUtc, CancellationToken cancellationToken)
    {
        var lists = await state.GetBulkAsync(Enumerable.Range(0, BookingKeys.DeletedShards).Select(shard => BookingKeys.DeletedOn(dayUtc, shard)).ToList(), cancellationToken);
        var ids = lists.SelectMany(IndexList.Read).Select(e => e.Id).ToList();
        var stripped = 0;
        foreach (var chunk in ids.Chunk(StateLimits.OperationsPerTransaction))
        {
            var documents = await state.GetBulkAsync(chunk.Select(BookingKeys.Appointment).ToList(), cancellationToken);
            var operations = documents
                .Select(d => (Entry: d, Appointment: AppointmentDocuments.Read(d)))
                .Where(d => d.Appointment is { IsDeleted: true } a && (a.Email is not null || a.Phone is not null))
                .Select(d => StateOperation.Save(d.Entry.Key,
                    JsonSerializer.SerializeToUtf8Bytes(d.Appointment! with { Email = null, Phone = null }, StorageJson.Default.Appointment), d.Entry.ETag))
                .ToList();
            if (operations.Count > 0 && !await state.TryExecuteAsync(operations, cancellationToken))
            {
                return -1;
            }

            stripped += operations.Count;
        }

        // Emptied, not deleted: a delete of that day still under way may hold a list's ETag.
        var emptied = lists.Where(l => IndexList.Read(l).Count > 0).Select(l => IndexList.Write(l, [])).ToList();
        return emptied.Count == 0 || await state.TryExecuteAsync(emptied, cancellationToken) ? stripped : -1;
    }
}
