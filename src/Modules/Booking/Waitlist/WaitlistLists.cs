using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Waitlist;

/// <summary>One entry in its doctor's queue: what an offer needs to pick it without reading it.</summary>
internal sealed record QueuedEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("from")] DateOnly From,
    [property: JsonPropertyName("to")] DateOnly To,
    [property: JsonPropertyName("m")] int Minutes);

/// <summary>A time held for an entry, as its doctor's offer list records it, so a sweep finds the offers that expire.</summary>
internal sealed record OfferMark(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("s")] long Start,
    [property: JsonPropertyName("x")] long Expires);

/// <summary>
/// The waitlist's lists, each written under the ETag it was read with (<see cref="Lists.Write"/>) and never deleted:
/// a doctor's queue (<see cref="BookingKeys.WaitlistQueue"/>, oldest first: written when an entry joins or leaves, never
/// by an offer, so offering time costs the same however many wait), a doctor's offers (<see cref="BookingKeys.WaitlistOffers"/>:
/// the holds a sweep ends when they expire), a patient's entries (<see cref="BookingKeys.WaitlistPatient"/>) and the
/// doctors with a queue (<see cref="BookingKeys.WaitlistDoctors"/>, written when a doctor's first entry joins).
/// </summary>
internal static class WaitlistLists
{
    public static List<QueuedEntry> Queue(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListQueuedEntry) ?? [];

    public static StateOperation Write(StateEntry stored, List<QueuedEntry> queue) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(queue, StorageJson.Default.ListQueuedEntry));

    public static List<OfferMark> Offers(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListOfferMark) ?? [];

    public static StateOperation Write(StateEntry stored, List<OfferMark> offers) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(offers, StorageJson.Default.ListOfferMark));

    public static List<string> Names(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListString) ?? [];

    public static StateOperation Write(StateEntry stored, List<string> names) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(names, StorageJson.Default.ListString));
}
