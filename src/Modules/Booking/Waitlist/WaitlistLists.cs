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
/// a doctor's queue (oldest first: its <see cref="HeadSize"/> oldest entries at <see cref="BookingKeys.WaitlistQueue"/>, the
/// rest at <see cref="BookingKeys.WaitlistQueueLater"/>; written when entries join or leave, never by an offer, and read by an
/// offer from the head, as far as the first entries that fit: offering time costs the same however many wait behind them), a doctor's offers (<see cref="BookingKeys.WaitlistOffers"/>:
/// the holds a sweep ends when they expire), a patient's entries (<see cref="BookingKeys.WaitlistPatient"/>) and the
/// doctors with a queue (<see cref="BookingKeys.WaitlistDoctors"/>, written when a doctor's first entry joins).
/// </summary>
internal static class WaitlistLists
{
    /// <summary>How many of a doctor's oldest entries the queue's head holds.</summary>
    public const int HeadSize = 64;

    /// <summary>The whole queue, oldest first: its head, then the rest.</summary>
    public static List<QueuedEntry> Queue(StateEntry head, StateEntry later) => [.. Queue(head), .. Queue(later)];

    /// <summary>
    /// Writes <paramref name="queue"/> back as head and rest, both under the ETags they were read with (or first-write): a
    /// change to either meanwhile fails the transaction, whichever of the two this one changes.
    /// </summary>
    public static IEnumerable<StateOperation> WriteQueue(StateEntry head, StateEntry later, List<QueuedEntry> queue)
    {
        yield return Write(head, queue.Take(HeadSize).ToList());
        if (later.Exists || queue.Count > HeadSize)
        {
            yield return Write(later, queue.Skip(HeadSize).ToList());
        }
    }

    public static List<QueuedEntry> Queue(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.ListQueuedEntry) ?? [];

    /// <summary>
    /// A queue's entries from the oldest, each parsed only when it is reached: an offer stops at the first entries that
    /// fit, so it costs the same however long the queue behind them is.
    /// </summary>
    public static IEnumerable<QueuedEntry> Oldest(StateEntry entry)
    {
        var (offset, state) = (0, default(JsonReaderState));
        while (entry.Value is { } value && Next(value, ref offset, ref state) is { } queued)
        {
            yield return queued;
        }
    }

    private static QueuedEntry? Next(byte[] value, ref int offset, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(value.AsSpan(offset), isFinalBlock: true, state);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var queued = JsonSerializer.Deserialize(ref reader, StorageJson.Default.QueuedEntry);
                (offset, state) = (offset + (int)reader.BytesConsumed, reader.CurrentState);
                return queued;
            }
        }

        return null;
    }

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
