using Microsoft.Extensions.Options;
using Appointments.Booking.Storage;

namespace Appointments.Booking;

/// <summary>
/// Doctors' hours and what they leave free: one method per thing a caller can do (save or read a schedule, list
/// free slots, read a doctor's day), and the check every booking passes once its doctor has a schedule.
/// </summary>
internal sealed class Availability(ScheduleStore schedules, DoctorDays days, FreeSlots freeSlots, Clinic clinic, IOptions<BookingOptions> options)
{
    /// <summary>The longest range of days one free-slot search covers.</summary>
    public const int MaxDays = 31;

    public static readonly string RangeRule = $"must be a range of at most {MaxDays} days, its start before its end";

    /// <summary>The doctor themself or an admin replaces the doctor's schedule. Existing appointments stay as they are.</summary>
    public async Task<BookingError?> SaveScheduleAsync(Caller caller, string doctor, Schedule schedule, ETagCondition? ifMatch, CancellationToken cancellationToken)
    {
        if (!IsAdminOrThe(caller, doctor))
        {
            return BookingError.NotAllowed;
        }

        var saved = await schedules.TrySaveAsync(doctor, schedule, ifMatch, cancellationToken);
        schedules.Forget(doctor);
        return saved ? null : BookingError.ScheduleChanged;
    }

    public async Task<(StoredSchedule? Schedule, BookingError? Error)> ReadScheduleAsync(string doctor, CancellationToken cancellationToken) =>
        await schedules.FindAsync(doctor, cancellationToken) is { } stored ? (stored, null) : (null, BookingError.NoSchedule);

    /// <summary>
    /// The doctor's free slots on the clinic-local days <paramref name="from"/> to <paramref name="to"/>, ordered:
    /// the schedule's grid, less the time the doctor's appointments hold, from the minimum notice to the horizon.
    /// Reads the schedule and one day list a day (an appointment is listed on every day its time touches).
    /// </summary>
    public async Task<(IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>? Slots, BookingError? Error)> FreeSlotsAsync(
        string doctor, DateOnly from, DateOnly to, string? visitType, CancellationToken cancellationToken)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            return (null, BookingError.Invalid("to", $"must be on or after from, and at most {MaxDays} days from it"));
        }

        var stored = await schedules.FindAsync(doctor, cancellationToken);
        if (stored is null)
        {
            return (null, BookingError.NoSchedule);
        }

        var range = freeSlots.Bookable(from, to);
        if (range is not var (first, last))
        {
            return ([], null);
        }

        var visit = visitType is null ? null : stored.Schedule.VisitTypeOf(visitType);
        if (visitType is not null && visit is null)
        {
            return (null, UnknownVisitType(stored.Schedule));
        }

        var held = await days.EntriesAsync(doctor, FreeSlots.ReadFrom([stored.Schedule], first), last, cancellationToken);
        return (freeSlots.Of(stored.Schedule, held, first, last, visit), null);
    }

    /// <summary>
    /// The doctor's appointments starting on the clinic-local days <paramref name="first"/> to <paramref name="last"/>
    /// (at most <see cref="MaxDays"/>), ordered: for the doctor themself or an admin.
    /// </summary>
    public async Task<(IReadOnlyList<Appointment>? Appointments, BookingError? Error)> AgendaAsync(
        Caller caller, string doctor, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        if (!IsAdminOrThe(caller, doctor))
        {
            return (null, BookingError.NotYourAgenda);
        }

        return last < first || last.DayNumber - first.DayNumber >= MaxDays
            ? (null, BookingError.Invalid("to", RangeRule))
            : (await days.AppointmentsAsync(doctor, first, last, clinic.Zone, cancellationToken), null);
    }

    /// <summary>
    /// Once the doctor has a schedule, the time an appointment newly takes (a booking, a move, a new doctor, an
    /// un-cancel) must lie wholly inside one window of its local day, on a date that is not closed. Doctors without a
    /// schedule take any time, unless <c>Booking:RequireSchedule</c> is on. A schedule that changes never refuses what is
    /// already booked.
    /// </summary>
    /// <param name="schedule">The schedule of <paramref name="next"/>'s doctor, or null when they have none.</param>
    public BookingError? RefuseOutsideHours(Appointment? current, Appointment next, Schedule? schedule)
    {
        return !TakesTime(current, next) ? null
            : schedule is null ? (options.Value.RequireSchedule ? BookingError.Unavailable : null)
            : schedule.Covers(next.StartUtc, next.EndUtc, clinic.Zone) ? null : BookingError.Unavailable;
    }

    /// <summary>
    /// How long a new visit lasts: its visit type's minutes (a <c>duration_minutes</c> that disagrees is refused), else the
    /// minutes it asks for, else one of its doctor's slots, else <c>Booking:DefaultDuration</c>.
    /// </summary>
    public (int Minutes, BookingError? Error) VisitLength(NewAppointment request, Schedule? schedule)
    {
        var fallback = request.DurationMinutes ?? schedule?.SlotMinutes ?? (int)options.Value.DefaultDuration.TotalMinutes;
        if (request.VisitType is null)
        {
            return (fallback, null);
        }

        return schedule?.VisitTypeOf(request.VisitType) is not { } visit ? (fallback, UnknownVisitType(schedule))
            : request.DurationMinutes is { } asked && asked != visit.Minutes
                ? (fallback, BookingError.Invalid("duration_minutes", $"must be {visit.Minutes} for visit_type {visit.Code}, or left out"))
                : (visit.Minutes, null);
    }

    /// <summary>Whether <paramref name="next"/> holds time <paramref name="current"/> did not: a booking, a move, a new doctor, an un-cancel.</summary>
    public static bool TakesTime(Appointment? current, Appointment next) =>
        next.HoldsTime && (current is not { HoldsTime: true } || current.Doctor != next.Doctor || current.StartUtc != next.StartUtc || current.EndUtc != next.EndUtc);

    /// <summary>A <c>visit_type</c> the doctor does not offer: which they do.</summary>
    public static BookingError UnknownVisitType(Schedule? schedule) => BookingError.Invalid("visit_type",
        schedule is { VisitTypes.Count: > 0 } ? $"must be one of the doctor's visit types: {string.Join(", ", schedule.VisitTypes.Select(v => v.Code))}" : "the doctor has no visit types");

    /// <summary>The doctor's schedule for a booking or a move to decide with and confirm in its write (<see cref="ScheduleStore.SeenAsync"/>).</summary>
    public Task<SeenSchedule> SeenScheduleAsync(string doctor, CancellationToken cancellationToken) => schedules.SeenAsync(doctor, cancellationToken);

    /// <summary>Forgets the remembered schedule, so the next booking or move reads it.</summary>
    public void ForgetSchedule(string doctor) => schedules.Forget(doctor);

    /// <summary>
    /// The clinic-local days an instant range [<paramref name="from"/>, <paramref name="to"/>) touches, or null when it
    /// is empty or touches more than <see cref="MaxDays"/>.
    /// </summary>
    public static (DateOnly First, DateOnly Last)? DaysOf(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        if (to <= from)
        {
            return null;
        }

        var (first, last) = (Schedule.DayOf(from, zone), Schedule.DayOf(to.AddTicks(-1), zone));
        return last.DayNumber - first.DayNumber < MaxDays ? (first, last) : null;
    }

    private static bool IsAdminOrThe(Caller caller, string doctor) =>
        caller.IsAdmin || (caller.Role == Caller.Doctor && caller.Username == doctor);

}
