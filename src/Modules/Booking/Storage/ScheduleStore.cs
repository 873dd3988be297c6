using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

internal sealed record StoredSchedule(Schedule Schedule, string ETag);

/// <summary>Doctors' schedules, one key each (<c>doctor-schedule|{doctor}</c>), every write under the ETag it read.</summary>
internal sealed class ScheduleStore(IStateStore state)
{
    // A schedule written without If-Match replaces whatever is there; a conflict only means someone else wrote first.
    private const int MaxAttempts = 10;

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
            var current = await state.GetAsync(BookingKeys.Schedule(doctor), cancellationToken);
            if (ifMatch is not null && !(current.Exists && ifMatch.Matches(current.ETag)))
            {
                return false;
            }

            var write = current.Exists ? StateOperation.Save(current.Key, value, current.ETag) : StateOperation.Create(current.Key, value);
            if (await state.TryExecuteAsync([write], cancellationToken))
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
}
