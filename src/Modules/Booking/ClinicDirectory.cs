using Appointments.Booking.Storage;

namespace Appointments.Booking;

/// <summary>A doctor in the clinic's directory: their slot length and the first free slot within a month, if any.</summary>
internal sealed record DirectoryEntry(string Doctor, Schedule Schedule, (DateTimeOffset Start, DateTimeOffset End)? NextFree);

/// <summary>
/// The clinic as a booking app first sees it: every doctor with a schedule and when each is next free, and the first
/// free slots across doctors. Reads the directory, the schedules, and the doctors' day lists a week at a time, every
/// doctor's at once, in bounded reads.
/// </summary>
internal sealed class ClinicDirectory(ScheduleStore schedules, DoctorDays days, FreeSlots freeSlots, Clinic clinic)
{
    /// <summary>How far ahead the first free slot of a doctor is looked for.</summary>
    public const int NextFreeDays = 31;

    /// <summary>The longest range the first-available search covers.</summary>
    public const int SearchDays = 7;

    public async Task<IReadOnlyList<DirectoryEntry>> DoctorsAsync(CancellationToken cancellationToken)
    {
        var found = await schedules.FindAllAsync(await schedules.DoctorsAsync(cancellationToken), cancellationToken);
        var nextFree = new Dictionary<string, (DateTimeOffset, DateTimeOffset)>(StringComparer.Ordinal);
        var today = Schedule.DayOf(clinic.UtcNow, clinic.Zone);
        for (var week = 0; week * 7 < NextFreeDays && nextFree.Count < found.Count; week++)
        {
            var (from, to) = (today.AddDays(week * 7), today.AddDays(Math.Min((week * 7) + 6, NextFreeDays - 1)));
            if (freeSlots.Bookable(from, to) is not var (first, last))
            {
                continue;
            }

            var waiting = found.Keys.Where(d => !nextFree.ContainsKey(d)).ToList();
            foreach (var (doctor, entries) in await days.EntriesOfAsync(waiting, FreeSlots.ReadFrom(waiting.Select(d => found[d]), first), last, cancellationToken))
            {
                if (freeSlots.Of(found[doctor], entries, first, last) is [var slot, ..])
                {
                    nextFree[doctor] = slot;
                }
            }
        }

        return found.Select(d => new DirectoryEntry(d.Key, d.Value, nextFree.TryGetValue(d.Key, out var slot) ? slot : null)).ToList();
    }

    /// <summary>
    /// Every doctor's free slots on the clinic-local days <paramref name="from"/> to <paramref name="to"/>, ordered by
    /// start (then doctor): the "first available" search. At most <see cref="SearchDays"/> days.
    /// </summary>
    /// <param name="visitType">A visit type's code: only doctors who offer it, and starts where it fits.</param>
    public async Task<(IReadOnlyList<(string Doctor, DateTimeOffset Start, DateTimeOffset End)>? Slots, BookingError? Error)> FirstAvailableAsync(
        DateOnly from, DateOnly to, string? visitType, CancellationToken cancellationToken)
    {
        if (to < from || to.DayNumber - from.DayNumber >= SearchDays)
        {
            return (null, BookingError.Invalid("to", $"must be on or after from, and at most {SearchDays} days from it"));
        }

        if (freeSlots.Bookable(from, to) is not var (first, last))
        {
            return ([], null);
        }

        var found = (await schedules.FindAllAsync(await schedules.DoctorsAsync(cancellationToken), cancellationToken))
            .Where(d => visitType is null || d.Value.VisitTypeOf(visitType) is not null).ToDictionary(StringComparer.Ordinal);
        var entries = await days.EntriesOfAsync(found.Keys.ToList(), FreeSlots.ReadFrom(found.Values, first), last, cancellationToken);
        return (found.SelectMany(d => freeSlots.Of(d.Value, entries[d.Key], first, last, visitType is null ? null : d.Value.VisitTypeOf(visitType))
                .Select(s => (Doctor: d.Key, s.Start, s.End)))
            .OrderBy(s => s.Start).ThenBy(s => s.Doctor, StringComparer.Ordinal).ToList(), null);
    }
}
