using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

internal sealed record StoredSchedule(Schedule Schedule, string ETag);

/// <summary>A doctor's schedule as a booking decides with it (null: none), and the ETag that version had ("" for none).</summary>
internal sealed record SeenSchedule(string Key, Schedule? Schedule, string ETag)
{
    /// <summary>Read from the store just now, rather than remembered from an earlier booking.</summary>
    public bool Fresh { get; init; }
}

/// <summary>
/// Doctors' schedules, one key each (<c>doctor-schedule|{doctor}</c>), every write under the ETag it read, and the
/// directory of doctors who have one (<see cref="BookingKeys.Doctors"/>).
/// </summary>
internal sealed class ScheduleStore(IStateStore state)
{
    // A schedule written without If-Match replaces whatever is there; a conflict only means someone else wrote first.
    private const int MaxAttempts = 10;

    // Schedules remembered for bookings; past this many doctors they are all read afresh once.
    private const int MaxSeen = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SeenSchedule> _seen = new(StringComparer.Ordinal);

    /// <summary>
    /// The doctor's schedule as this replica last read it for a booking, or read now. Only a hint: a booking confirms its
    /// ETag in the same read as the lists it decides from, and reads it again (<see cref="Forget"/>) when it moved, so a
    /// remembered schedule never decides a booking once it has changed, on any replica.
    /// </summary>
    public async Task<SeenSchedule> SeenAsync(string doctor, CancellationToken cancellationToken)
    {
        if (_seen.TryGetValue(doctor, out var seen))
        {
            return seen;
        }

        var key = BookingKeys.Schedule(doctor);
        var entry = await state.GetAsync(key, cancellationToken);
        if (_seen.Count >= MaxSeen)
        {
            _seen.Clear();
        }

        seen = new SeenSchedule(key, entry.Value is { } value ? JsonSerializer.Deserialize(value, StorageJson.Default.Schedule) : null, entry.ETag);
        _seen[doctor] = seen;
        return seen with { Fresh = true };
    }

    public void Forget(string doctor) => _seen.TryRemove(doctor, out _);

    /// <summary>Every doctor with a schedule, sorted.</summary>
    public async Task<IReadOnlyList<string>> DoctorsAsync(CancellationToken cancellationToken) =>
        ReadDoctors(await state.GetAsync(BookingKeys.Doctors, cancellationToken));

    /// <summary>The schedules of <paramref name="doctors"/>, of those who have one.</summary>
    public async Task<IReadOnlyDictionary<string, Schedule>> FindAllAsync(IReadOnlyList<string> doctors, CancellationToken cancellationToken)
    {
        var entries = await state.GetManyAsync(doctors.Select(BookingKeys.Schedule).ToList(), cancellationToken);
        return doctors.Zip(entries).Where(p => p.Second.Value is not null)
            .ToDictionary(p => p.First, p => JsonSerializer.Deserialize(p.Second.Value, StorageJson.Default.Schedule)!, StringComparer.Ordinal);
    }

    public async Task<StoredSchedule?> FindAsync(string doctor, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.Schedule(doctor), cancellationToken);
        return entry.Value is { } value ? new StoredSchedule(JsonSerializer.Deserialize(value, StorageJson.Default.Schedule)!, entry.ETag) : null;
    }

    /// <summary>
    /// Saves <paramref name="schedule"/>. With <paramref name="ifMatch"/> only over the version it names (false when
    /// another is there now); without, over whichever version is there.
    /// </summary>
    public async Task<bool> TrySaveAsync(string doctor, Schedule schedule, ETagCondition? ifMatch, CancellationToken cancellationToken)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(schedule, StorageJson.Default.Schedule);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var read = await state.GetBulkAsync([BookingKeys.Schedule(doctor), BookingKeys.Doctors], cancellationToken);
            var (current, directory) = (read[0], read[1]);
            if (ifMatch is not null && !(current.Exists && ifMatch.Matches(current.ETag)))
            {
                return false;
            }

            // The first schedule of a doctor lists them in the directory, in the same transaction.
            List<StateOperation> writes = [Lists.Write(current, value)];
            var doctors = ReadDoctors(directory);
            if (!doctors.Contains(doctor))
            {
                doctors.Add(doctor);
                doctors.Sort(StringComparer.Ordinal);
                writes.Add(Lists.Write(directory, JsonSerializer.SerializeToUtf8Bytes(doctors, StorageJson.Default.ListString)));
            }

            if (await state.TryExecuteAsync(writes, cancellationToken))
            {
                return true;
            }

            if (ifMatch is not null)
            {
                return false;
            }
        }

        throw new StateStoreUnavailableException($"Saving the schedule of {doctor} kept conflicting.");
    }

    private static List<string> ReadDoctors(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListString) ?? [];
}
