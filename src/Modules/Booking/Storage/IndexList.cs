using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// One appointment in an ordered list (a patient's month, a day's deletions): by time, then id. In a patient's month
/// also its end and whether it holds that time, so the patient's overlap is decided from the months it could touch.
/// </summary>
[JsonConverter(typeof(IndexEntryJson))]
internal sealed record IndexEntry(string Id, long Start, long End = 0, bool Holds = false) : IComparable<IndexEntry>
{
    public static IndexEntry Of(Appointment appointment) => new(appointment.Id, appointment.StartUtc.UtcTicks, appointment.EndUtc.UtcTicks, appointment.HoldsTime);

    public int CompareTo(IndexEntry? other) =>
        other is null ? 1 : Start != other.Start ? Start.CompareTo(other.Start) : string.CompareOrdinal(Id, other.Id);
}

/// <summary>An ordered list of <see cref="IndexEntry"/> under one key, written under the ETag it was read with. Emptied, never deleted.</summary>
internal static class IndexList
{
    public static List<IndexEntry> Read(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListIndexEntry) ?? [];

    public static void Insert(List<IndexEntry> list, IndexEntry entry)
    {
        var at = list.FindIndex(e => e.CompareTo(entry) > 0);
        list.Insert(at < 0 ? list.Count : at, entry);
    }

    public static StateOperation Write(StateEntry stored, List<IndexEntry> list) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(list, StorageJson.Default.ListIndexEntry));
}
