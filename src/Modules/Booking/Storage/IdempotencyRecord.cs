using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// What an <c>Idempotency-Key</c> was first used for: a hash of the request and the appointment it created. One key per
/// <c>Idempotency-Key</c> (<see cref="BookingKeys.Idempotency"/>), created first-write in the booking's own transaction,
/// so a key never exists without its booking and two requests with one key cannot both book. Expiry is checked when it
/// is read: an expired one is replaced under its ETag by the next booking that uses the key, and removed by the patient's
/// next booking otherwise (<see cref="PatientRecord"/>).
/// </summary>
internal sealed record IdempotencyRecord(
    [property: JsonPropertyName("request")] string RequestHash,
    [property: JsonPropertyName("appointment_id")] string AppointmentId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    /// <summary>How long a key is remembered; after that the same key books anew.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static bool IsLive(DateTimeOffset createdAt, DateTimeOffset now) => now - createdAt < Lifetime;

    /// <summary>The record a key holds, if it is still live.</summary>
    public static IdempotencyRecord? ReadLive(StateEntry entry, DateTimeOffset now) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.IdempotencyRecord) is { } record && IsLive(record.CreatedAt, now) ? record : null;

    public StateOperation Write(StateEntry stored) =>
        Lists.Write(stored, JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.IdempotencyRecord));

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The same request means the same plain values for the same patient, however the JSON was spelled.</summary>
    public static string HashOf(string username, NewAppointment request) =>
        Hash(username + "\n" + JsonSerializer.Serialize(request, StorageJson.Default.NewAppointment));
}
