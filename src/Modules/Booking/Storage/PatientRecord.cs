using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>An <c>Idempotency-Key</c> the patient used, by its hash, so that its key can be removed once it has expired.</summary>
internal sealed record UsedKey(
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary>
/// What every change of a patient's time reads and writes under its ETag (<see cref="BookingKeys.Patient"/>), so that
/// two changes of one patient go one after another: how many appointments holding time start in each month from this
/// one on (a patient may hold at most <c>Booking:MaxActivePerPatient</c> still ahead), the months their appointments
/// start in (where their pages look), and the idempotency keys of their last day. Which times they hold is in their
/// month lists; this record grows with the months they book in, never with the visits in them.
/// </summary>
internal sealed record PatientRecord(
    [property: JsonPropertyName("holding")] Dictionary<string, int> Holding,
    [property: JsonPropertyName("months")] List<string> Months,
    [property: JsonPropertyName("keys")] List<UsedKey> Keys)
{
    /// <summary>Expired idempotency keys removed per write, so one write never carries a day's worth.</summary>
    public const int ExpiredKeysPerWrite = 16;

    public static PatientRecord Read(StateEntry entry) =>
        entry.Value is null ? new PatientRecord([], [], []) : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.PatientRecord)!;

    /// <summary>
    /// At least <see cref="HoldingAhead"/>, from the counts alone: every appointment holding time from now's month on,
    /// this month's past ones included. A change that stays below a cap by this count needs no look at this month's list.
    /// </summary>
    public int HoldingFromThisMonth(DateTimeOffset now)
    {
        var month = BookingKeys.MonthOf(now);
        return Holding.Where(h => string.CompareOrdinal(h.Key, month) >= 0).Sum(h => h.Value);
    }

    /// <summary>
    /// How many appointments holding time, other than <paramref name="id"/>, start after <paramref name="now"/>: those
    /// counted in months after now's, and those of now's month (<paramref name="thisMonth"/>, its list) still ahead.
    /// </summary>
    public int HoldingAhead(string id, IReadOnlyList<IndexEntry> thisMonth, DateTimeOffset now)
    {
        var month = BookingKeys.MonthOf(now);
        return Holding.Where(h => string.CompareOrdinal(h.Key, month) > 0).Sum(h => h.Value)
            + thisMonth.Count(e => e.Id != id && e.Holds && e.Start > now.UtcTicks);
    }

    /// <summary>
    /// The record after <paramref name="current"/> became <paramref name="next"/>: the months' counts moved, past
    /// months' counts dropped, its month listed, the key it used (if any) added, and the keys that expired dropped.
    /// </summary>
    public PatientRecord After(Appointment? current, Appointment next, string? usedKeyHash, DateTimeOffset now, out IReadOnlyList<string> expiredKeys)
    {
        var thisMonth = BookingKeys.MonthOf(now);
        var holding = Holding.Where(h => string.CompareOrdinal(h.Key, thisMonth) >= 0).ToDictionary(StringComparer.Ordinal);
        if (current is { HoldsTime: true })
        {
            Count(holding, BookingKeys.MonthOf(current.StartUtc), -1);
        }

        if (next.HoldsTime)
        {
            Count(holding, BookingKeys.MonthOf(next.StartUtc), +1);
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
        return new PatientRecord(holding, months, keys);
    }

    public StateOperation Write(StateEntry stored) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.PatientRecord));

    // A month before this one may be missing (dropped as past): its count only ever goes down from there.
    private static void Count(Dictionary<string, int> holding, string month, int by)
    {
        var count = holding.GetValueOrDefault(month) + by;
        if (count > 0)
        {
            holding[month] = count;
        }
        else
        {
            holding.Remove(month);
        }
    }
}
