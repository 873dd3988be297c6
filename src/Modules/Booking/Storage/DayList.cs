using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// One appointment in a doctor's day list: its time and status, enough for overlap, agenda and free slots. Or a time
/// held for a waitlist entry (<see cref="Held"/>, the entry's id, until <see cref="Expires"/>): nobody else may book it
/// meanwhile, and it is decided here, where overlap is, so no booking can slip past it.
/// </summary>
[JsonConverter(typeof(DayEntryJson))]
internal sealed record DayEntry(string Id, long Start, long End, string Status, long? Expires = null)
{
    public const string Held = "held";

    public bool HoldsTime => AppointmentStatus.IsActive(Status);

    public bool IsHold => Status == Held;

    /// <summary>A hold that has not expired by <paramref name="nowTicks"/>.</summary>
    public bool IsLiveHold(long nowTicks) => IsHold && Expires > nowTicks;

    /// <summary>Whether its time and [<paramref name="start"/>, <paramref name="end"/>) meet, each kept <paramref name="buffer"/> ticks longer.</summary>
    public bool Meets(long start, long end, long buffer) => Start < end + buffer && start < End + buffer;

    /// <summary>Whether it keeps the time from anyone else: an active appointment, or a live hold.</summary>
    public bool Blocks(long nowTicks) => HoldsTime || IsLiveHold(nowTicks);

    public static DayEntry Of(Appointment appointment) =>
        new(appointment.Id, appointment.StartUtc.UtcTicks, appointment.EndUtc.UtcTicks, appointment.Status);
}

/// <summary>
/// A doctor's appointments touching one clinic-local day (<see cref="BookingKeys.DoctorDay"/>): every appointment that is
/// not deleted is listed on every day its time touches, so two that overlap always share a list, and a booking checks
/// overlap in memory against the lists it writes under their ETags; with a buffer it also reads, and writes back as they
/// were, the neighbouring days its buffer reaches into. Ordered by start. Emptied, never deleted.
/// Cancelled entries beyond <see cref="MaxCancelled"/> are dropped, earliest first, so that booking and cancelling over
/// and over cannot grow the list every booking of the day rewrites; active and closed ones are bounded by the day itself.
/// </summary>
internal static class DayList
{
    public const int MaxCancelled = 200;

    public static List<DayEntry> Read(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListDayEntry) ?? [];

    /// <summary>The list without <paramref name="id"/>, with <paramref name="entry"/> in its place when given.</summary>
    public static List<DayEntry> With(List<DayEntry> list, string id, DayEntry? entry)
    {
        var next = list.Where(e => e.Id != id).ToList();
        if (entry is not null)
        {
            var at = next.FindIndex(e => e.Start > entry.Start || (e.Start == entry.Start && string.CompareOrdinal(e.Id, entry.Id) > 0));
            next.Insert(at < 0 ? next.Count : at, entry);
        }

        var cancelled = next.Where(e => e.Status == AppointmentStatus.Cancelled && e.Id != id).ToList();
        if (cancelled.Count > MaxCancelled)
        {
            var dropped = cancelled.Take(cancelled.Count - MaxCancelled).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            next.RemoveAll(e => dropped.Contains(e.Id));
        }

        return next;
    }

    /// <summary>
    /// Whether another appointment in <paramref name="list"/> holds time overlapping [start, end), each kept
    /// <paramref name="buffer"/> ticks longer: the doctor's buffer after every appointment, this one's too.
    /// </summary>
    public static bool Taken(IEnumerable<DayEntry> list, string id, long start, long end, long buffer = 0) =>
        list.Any(e => e.Id != id && e.HoldsTime && e.Meets(start, end, buffer));

    /// <summary>
    /// Whether a live hold other than <paramref name="except"/> keeps [start, end) (with the buffer, as appointments do)
    /// for someone on the waitlist.
    /// </summary>
    public static bool HeldForOthers(IEnumerable<DayEntry> list, string? except, long start, long end, long buffer, long nowTicks) =>
        list.Any(e => e.Id != except && e.IsLiveHold(nowTicks) && e.Meets(start, end, buffer));

    public static StateOperation Write(StateEntry stored, List<DayEntry> list) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(list, StorageJson.Default.ListDayEntry));
}

/// <summary>How every list is written: under the ETag it was read with, or first-write when it was not there.</summary>
internal static class Lists
{
    public static StateOperation Write(StateEntry stored, byte[] value) =>
        stored.Exists ? StateOperation.Save(stored.Key, value, stored.ETag) : StateOperation.Create(stored.Key, value);
}
