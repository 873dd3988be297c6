using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>An active appointment of the patient that has not ended: what a new one may not overlap.</summary>
internal sealed record ActiveEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("s")] long Start,
    [property: JsonPropertyName("e")] long End);

/// <summary>An <c>Idempotency-Key</c> the patient used, by its hash, so that its key can be removed once it has expired.</summary>
internal sealed record UsedKey(
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary>
/// What every change of a patient's time reads and writes under its ETag (<see cref="BookingKeys.Patient"/>): their
/// active appointments that have not ended (a new one may overlap none, and they may hold at most
/// <c>Booking:MaxActivePerPatient</c> that are still ahead), the months their appointments start in (where their pages
/// look), and the idempotency keys of their last day. The active ones are pruned of past ones and the keys of expired
/// ones whenever it is written, so it stays the size of what the patient has ahead.
/// </summary>
internal sealed record PatientRecord(
    [property: JsonPropertyName("active")] List<ActiveEntry> Active,
    [property: JsonPropertyName("months")] List<string> Months,
    [property: JsonPropertyName("keys")] List<UsedKey> Keys)
{
    /// <summary>Expired idempotency keys removed per write, so one write never carries a day's worth.</summary>
    public const int ExpiredKeysPerWrite = 16;

    public static PatientRecord Read(StateEntry entry) =>
        entry.Value is null ? new PatientRecord([], [], []) : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.PatientRecord)!;

    /// <summary>Whether another of the patient's active appointments overlaps [start, end).</summary>
    public bool Busy(string id, long start, long end) => Active.Any(a => a.Id != id && a.Start < end && start < a.End);

    /// <summary>How many active appointments other than <paramref name="id"/> are still ahead of <paramref name="now"/>.</summary>
    public int AheadExcept(string id, DateTimeOffset now) => Active.Count(a => a.Id != id && a.Start > now.UtcTicks);

    /// <summary>
    /// The record after <paramref name="next"/> was written: its active entry replaced (or dropped when it holds no
    /// time), past entries pruned, its month listed, the key it used (if any) added, and the keys that expired dropped.
    /// </summary>
    public PatientRecord After(Appointment next, string? usedKeyHash, DateTimeOffset now, out IReadOnlyList<string> expiredKeys)
    {
        var active = Active.Where(a => a.Id != next.Id && a.End > now.UtcTicks).ToList();
        if (next.HoldsTime)
        {
            active.Add(new ActiveEntry(next.Id, next.StartUtc.UtcTicks, next.EndUtc.UtcTicks));
        }

        var months = Months.ToList();
        var month = BookingKeys.MonthOf(next.StartUtc);
        if (!next.IsDeleted && !months.Contains(month))
        {
            months.Add(month);
            months.Sort(StringComparer.Ordinal);
        }

        // The key this write uses is replaced, not removed: its record is written again in the same transaction.
        var expired = Keys.Where(k => k.Hash != usedKeyHash && !IdempotencyRecord.IsLive(k.At, now)).Take(ExpiredKeysPerWrite).ToList();
        var keys = Keys.Except(expired).Where(k => k.Hash != usedKeyHash).ToList();
        if (usedKeyHash is not null)
        {
            keys.Add(new UsedKey(usedKeyHash, now));
        }

        expiredKeys = expired.Select(k => k.Hash).ToList();
        return new PatientRecord([.. active.OrderBy(a => a.Start)], months, keys);
    }

    public StateOperation Write(StateEntry stored) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.PatientRecord));
}
