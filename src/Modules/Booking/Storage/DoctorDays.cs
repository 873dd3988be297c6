using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// Reads a doctor's day lists (<see cref="DayList"/>), which every appointment write keeps up to date in its own
/// transaction: a range of days costs one key a day, whatever the doctor has booked on other days.
/// </summary>
internal sealed class DoctorDays(IStateStore state, AppointmentDocuments documents)
{
    /// <summary>The entries of the doctor's days <paramref name="first"/> to <paramref name="last"/>, once each, ordered by start.</summary>
    public async Task<IReadOnlyList<DayEntry>> EntriesAsync(string doctor, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var keys = new List<string>(last.DayNumber - first.DayNumber + 1);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            keys.Add(BookingKeys.DoctorDay(doctor, day));
            if (day == DateOnly.MaxValue)
            {
                break;
            }
        }

        var lists = await state.GetManyAsync(keys, cancellationToken);
        return lists.SelectMany(DayList.Read).DistinctBy(e => e.Id, StringComparer.Ordinal)
            .OrderBy(e => e.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The entries of several doctors' days <paramref name="first"/> to <paramref name="last"/>: one bounded read for them all.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<DayEntry>>> EntriesOfAsync(
        IReadOnlyList<string> doctors, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        var lists = await state.GetManyAsync(doctors.SelectMany(doctor => days.Select(day => BookingKeys.DoctorDay(doctor, day))).ToList(), cancellationToken);
        return doctors.Select((doctor, i) => (doctor, Entries: (IReadOnlyList<DayEntry>)lists.Skip(i * days.Count).Take(days.Count).SelectMany(DayList.Read)
                .DistinctBy(e => e.Id, StringComparer.Ordinal).OrderBy(e => e.Start).ToList()))
            .ToDictionary(d => d.doctor, d => d.Entries, StringComparer.Ordinal);
    }

    /// <summary>
    /// The appointments starting on the clinic-local days <paramref name="first"/> to <paramref name="last"/>, ordered by
    /// start: one read of the days, one of their documents.
    /// </summary>
    public async Task<IReadOnlyList<Appointment>> AppointmentsAsync(string doctor, DateOnly first, DateOnly last, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var entries = await EntriesAsync(doctor, first, last, cancellationToken);
        var starting = entries.Where(e => !e.IsHold && Schedule.DayOf(new DateTimeOffset(e.Start, TimeSpan.Zero), zone) >= first).Select(e => e.Id).ToList();
        return await documents.LoadAsync(starting, cancellationToken);
    }
}
