using Appointments.Booking.Storage;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>
/// What a schedule leaves free: its grid, less the time the doctor's appointments (and waitlist offers) hold, from the minimum notice to the
/// horizon. Pure, given the day lists; reading them is the caller's.
/// </summary>
internal sealed class FreeSlots(Clinic clinic, IOptions<BookingOptions> options)
{
    /// <summary>
    /// The part of the clinic-local days <paramref name="from"/> to <paramref name="to"/> that can hold a bookable slot at
    /// all (notice and horizon), or null when none can: so any date from year 1 to 9999 stays cheap.
    /// </summary>
    public (DateOnly First, DateOnly Last)? Bookable(DateOnly from, DateOnly to)
    {
        var (now, o) = (clinic.UtcNow, options.Value);
        var first = Max(from, Schedule.DayOf(now + o.MinimumNotice, clinic.Zone));
        var last = Min(to, Schedule.DayOf(now + o.Horizon, clinic.Zone));
        return first <= last ? (first, last) : null;
    }

    /// <summary>
    /// The free slots of <paramref name="schedule"/> on the days <paramref name="first"/> to <paramref name="last"/>,
    /// ordered: starts on the schedule's grid where a visit of <paramref name="visit"/>'s minutes (a slot's, when null)
    /// lies wholly inside its window, and that visit and the doctor's buffer after it meet no appointment and no
    /// appointment's buffer.
    /// </summary>
    /// <param name="entries">
    /// The doctor's day lists of those days and of the day before (an appointment is listed on every day its time
    /// touches; one ending just before midnight may keep its buffer into the next day).
    /// </param>
    public List<(DateTimeOffset Start, DateTimeOffset End)> Of(Schedule schedule, IReadOnlyList<DayEntry> entries, DateOnly first, DateOnly last, VisitType? visit = null)
    {
        var (now, o) = (clinic.UtcNow, options.Value);
        var (earliest, latest) = (now + o.MinimumNotice, now + o.Horizon);
        var buffer = TimeSpan.FromMinutes(schedule.BufferMinutes).Ticks;
        var held = entries.Where(e => e.Blocks(now.UtcTicks)).OrderBy(e => e.Start).ToList();
        var slots = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        var next = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var grid = visit is null ? schedule.Grid(day, clinic.Zone) : schedule.Grid(day, clinic.Zone, visit.Minutes);
            foreach (var slot in grid.Where(s => s.Start > now && s.Start >= earliest && s.Start <= latest))
            {
                // Slots come in order, and a doctor's held times (with their buffers) never overlap, so ordered by start
                // they are ordered by end too: one pass over both.
                while (next < held.Count && held[next].End + buffer <= slot.Start.UtcTicks)
                {
                    next++;
                }

                if (next == held.Count || held[next].Start >= slot.End.UtcTicks + buffer)
                {
                    slots.Add(slot);
                }
            }

            if (day == DateOnly.MaxValue)
            {
                break;
            }
        }

        return slots;
    }

    /// <summary>
    /// The first day whose lists a free-slot search of <paramref name="schedules"/> reads: the day before too when a buffer
    /// may reach over midnight.
    /// </summary>
    public static DateOnly ReadFrom(IEnumerable<Schedule> schedules, DateOnly first) =>
        schedules.Any(s => s.BufferMinutes > 0) && first > DateOnly.MinValue ? first.AddDays(-1) : first;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
