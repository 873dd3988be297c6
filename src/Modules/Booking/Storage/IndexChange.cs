using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>One appointment in an index list: lists are kept ordered by start, then id.</summary>
internal sealed record IndexEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("start")] long Start) : IComparable<IndexEntry>
{
    public static IndexEntry Of(Appointment appointment) => new(appointment.Id, appointment.StartUtc.UtcTicks);

    public int CompareTo(IndexEntry? other) =>
        other is null ? 1 : Start != other.Start ? Start.CompareTo(other.Start) : string.CompareOrdinal(Id, other.Id);
}

/// <summary>
/// What a write does to one index key: put the entry of <see cref="Id"/> there (<see cref="Entry"/>) or take it out
/// (null). <see cref="UserMonth"/> is set for the user's month buckets, whose directory follows them.
/// </summary>
internal sealed record IndexChange(string Key, string Id, IndexEntry? Entry, string? UserMonth = null)
{
    /// <summary>
    /// The index changes from <paramref name="current"/> (null for a new appointment) to <paramref name="next"/>:
    /// a user lists every appointment that is not deleted, by the month of its start; the start-hour index lists
    /// exactly the appointments that hold time, where they hold it; deletions are listed by their day.
    /// </summary>
    public static IReadOnlyList<IndexChange> Between(Appointment? current, Appointment next)
    {
        var changes = new List<IndexChange>();
        var entry = IndexEntry.Of(next);
        var startMoved = current is null || current.StartUtc != next.StartUtc;

        var monthBefore = current is { IsDeleted: false } ? BookingKeys.MonthOf(current.StartUtc) : null;
        var monthAfter = next.IsDeleted ? null : BookingKeys.MonthOf(next.StartUtc);
        if (monthBefore is not null && monthBefore != monthAfter)
        {
            changes.Add(new IndexChange(BookingKeys.UserMonth(current!.Username, monthBefore), next.Id, null, monthBefore));
        }

        if (monthAfter is not null && (monthBefore != monthAfter || startMoved))
        {
            changes.Add(new IndexChange(BookingKeys.UserMonth(next.Username, monthAfter), next.Id, entry, monthAfter));
        }

        if (next.DeletedAt is { } deletedAt && current is { IsDeleted: false })
        {
            changes.Add(new IndexChange(BookingKeys.DeletedOn(deletedAt), next.Id, new IndexEntry(next.Id, deletedAt.UtcTicks)));
        }

        var hourBefore = current is { HoldsTime: true } ? BookingKeys.StartIndexFor(current) : null;
        var hourAfter = next.HoldsTime ? BookingKeys.StartIndexFor(next) : null;
        if (hourBefore is not null && hourBefore != hourAfter)
        {
            changes.Add(new IndexChange(hourBefore, next.Id, null));
        }

        if (hourAfter is not null && (hourBefore != hourAfter || startMoved))
        {
            changes.Add(new IndexChange(hourAfter, next.Id, entry));
        }

        return changes;
    }
}
