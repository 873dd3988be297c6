using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// The active appointment that holds a doctor's named slot (<see cref="BookingKeys.Slot"/>). Created first-write by the
/// booking that takes it and deleted under its ETag by the change that gives it back (cancel, outcome, delete, a move
/// to another slot or doctor), while it is still that appointment's. A holder whose time has ended gives way to the next
/// booking of the slot name, so slots need no clean-up of their own.
/// </summary>
internal sealed record SlotHolder(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("end")] DateTimeOffset End)
{
    public static SlotHolder? Read(StateEntry entry) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.SlotHolder);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.SlotHolder);
}
