using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>
/// What an <c>Idempotency-Key</c> was first used for: a hash of the request and the appointment it created.
/// A patient's keys live in sixteen documents by the key hash's first hex digit (<c>idempotency|{user}|{digit}</c>),
/// each written with its ETag in the booking's own transaction, so a key never exists without its booking; a
/// document's expired keys are pruned whenever it is written. At most sixteen small documents per patient stay (and
/// the single document of earlier versions until the patient's next keyed booking finds none of its keys live).
/// </summary>
internal sealed record IdempotencyRecord(
    [property: JsonPropertyName("request")] string RequestHash,
    [property: JsonPropertyName("appointment_id")] string AppointmentId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    /// <summary>How long a key is remembered; after that the same key books anew.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public bool IsLive(DateTimeOffset now) => now - CreatedAt < Lifetime;

    /// <summary>The keys one record holds, by hash; empty when it holds none.</summary>
    public static Dictionary<string, IdempotencyRecord> ReadKeys(BuildingBlocks.State.StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.DictionaryStringIdempotencyRecord) ?? [];

    /// <summary>The live record of <paramref name="keyHash"/> in the first of <paramref name="records"/> (as <see cref="ReadKeys"/> reads them) that has one.</summary>
    public static IdempotencyRecord? Find(IEnumerable<Dictionary<string, IdempotencyRecord>> records, string keyHash, DateTimeOffset now) =>
        records.Select(keys => keys.GetValueOrDefault(keyHash)).FirstOrDefault(r => r is not null && r.IsLive(now));

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The same request means the same plain values for the same patient, however the JSON was spelled.</summary>
    public static string HashOf(string username, NewAppointment request) =>
        Hash(username + "\n" + JsonSerializer.Serialize(request, StorageJson.Default.NewAppointment));
}
