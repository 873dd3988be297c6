using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// Reads a doctor's day index (<c>doctor-day|{doctor}|{yyyyMMdd}|{shard}</c>), which every appointment write keeps up to date
/// in its own transaction: a range of days costs a few keys a day (its shards), whatever the doctor has booked on
/// other days.
/// </summary>
internal sealed class DoctorDays(IStateStore state, AppointmentStore appointments)
{
    /// <summary>The doctor's version: the ETag of <see cref="BookingKeys.DoctorVersion"/>, empty while nothing has written it.</summary>
    public async Task<string> VersionAsync(string doctor, CancellationToken cancellationToken) =>
        (await state.GetAsync(BookingKeys.DoctorVersion(doctor), cancellationToken)).ETag;

    /// <summary>The entries of the doctor's days <paramref name="first"/> to <paramref name="last"/>, ordered by start.</summary>
    public async Task<IReadOnlyList<IndexEntry>> EntriesAsync(string doctor, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var keys = new List<string>((last.DayNumber - first.DayNumber + 1) * BookingKeys.DoctorDayShards);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            keys.AddRange(Enumerable.Range(0, BookingKeys.DoctorDayShards).Select(shard => BookingKeys.DoctorDay(doctor, day, shard)));
            if (day == DateOnly.MaxValue)
            {
                break;
            }
        }

        var shards = await state.GetBulkAsync(keys, cancellationToken);
        return shards.SelectMany(AppointmentStore.IndexEntries).Order().ToList();
    }

    /// <summary>The appointments of the doctor's days <paramref name="first"/> to <paramref name="last"/>, ordered by start: one bulk read of documents.</summary>
    public async Task<IReadOnlyList<Appointment>> AppointmentsAsync(string doctor, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var entries = await EntriesAsync(doctor, first, last, cancellationToken);
        return await appointments.LoadAsync(entries.Select(e => e.Id).ToList(), cancellationToken);
    }
}
