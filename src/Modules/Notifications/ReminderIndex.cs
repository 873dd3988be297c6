using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Notifications;

/// <summary>An appointment whose reminder falls due in an hour: its id and the start it was indexed for.</summary>
internal sealed record DueEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("start")] DateTimeOffset Start)
{
    /// <summary>The entry an event asks for: the start it newly holds, if any.</summary>
    public static DueEntry? Of(Booking.Contracts.AppointmentEvent appointmentEvent) =>
        appointmentEvent.NewStart is { } start ? new DueEntry(appointmentEvent.AppointmentId, start) : null;
}

/// <summary>
/// Notifications' own index of reminders by the UTC hour of the appointment's start (<c>reminders-due|{yyyyMMddHH}</c>),
/// kept from Booking's events: every start an appointment newly holds is added, in the notice scan's transactions, so a
/// booking writes nothing of it. Entries are hints: a cancelled or moved appointment's old entry stays and the reminder
/// scan, which reads the appointments themselves, passes over it. An hour's list and the reminder claims of its entries
/// are deleted once the hour is long past, when nothing adds to it any more.
/// </summary>
internal sealed class ReminderIndex(IStateStore store, TimeProvider time)
{
    private const int MaxAttempts = 20;
    private const string MarkKey = "reminders-purged-through";

    /// <summary>Hours older than this are purged: a reminder claim guards nothing once its appointment has long started.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(2);

    public static string HourKey(DateTimeOffset hourUtc) => $"reminders-due|{hourUtc.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}";

    /// <summary>Adds each start that is still ahead to its hour's list, under the list's ETag; entries already there stay once.</summary>
    public async Task AddAsync(IEnumerable<DueEntry?> entries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var hour in entries.OfType<DueEntry>().Where(e => e.Start >= now).GroupBy(e => Floor(e.Start)))
        {
            await UpdateAsync(HourKey(hour.Key), list => list.UnionBy(hour, e => (e.Id, e.Start)).ToList(), cancellationToken);
        }
    }

    /// <summary>The entries whose start lies in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), by hour lists.</summary>
    public async Task<IReadOnlyList<DueEntry>> DueAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (var hour = Floor(fromUtc); hour < toUtc; hour = hour.AddHours(1))
        {
            keys.Add(HourKey(hour));
        }

        var lists = await store.GetManyAsync(keys, cancellationToken);
        return lists.SelectMany(Read).Where(e => e.Start >= fromUtc && e.Start < toUtc).DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Deletes the lists of hours older than <see cref="KeepFor"/> from where the last pass stopped, with the reminder
    /// claims their entries name, a bounded number of keys per transaction. Returns how many claims it deleted.
    /// </summary>
    public Task<int> PurgeAsync(Func<DueEntry, string> claimKey, CancellationToken cancellationToken)
    {
        var before = Floor(time.GetUtcNow() - KeepFor);

        // Nothing adds to an hour that is this far past (only starts still ahead are added), so no writer holds its list's ETag.
        return new PeriodPurge(store, MarkKey, "yyyyMMddHH", TimeSpan.FromHours(1)).RunAsync(before, before.AddDays(-7), async hour =>
        {
            var list = await store.GetAsync(HourKey(hour), cancellationToken);
            return [.. Read(list).Select(claimKey).Distinct(StringComparer.Ordinal), .. list.Exists ? [list.Key] : Array.Empty<string>()];
        }, cancellationToken);
    }

    private async Task UpdateAsync(string key, Func<List<DueEntry>, List<DueEntry>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.GetAsync(key, cancellationToken);
            var list = Read(stored);
            var next = change(list);
            if (next.Count == list.Count)
            {
                return;
            }

            var value = JsonSerializer.SerializeToUtf8Bytes(next, ReminderIndexJson.Default.ListDueEntry);
            var write = stored.Exists ? StateOperation.Save(key, value, stored.ETag) : StateOperation.Create(key, value);
            if (await store.TryExecuteAsync([write], cancellationToken))
            {
                return;
            }
        }

        throw new StateStoreUnavailableException($"Adding to {key} kept conflicting.");
    }

    private static List<DueEntry> Read(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, ReminderIndexJson.Default.ListDueEntry) ?? [];

    private static DateTimeOffset Floor(DateTimeOffset utc) => new(utc.UtcTicks - (utc.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}

[JsonSerializable(typeof(List<DueEntry>))]
internal sealed partial class ReminderIndexJson : JsonSerializerContext;
