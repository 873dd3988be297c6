using System.Globalization;
using System.Text.Json;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications;

internal static class ReminderStatus
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
}

/// <summary>
/// The value of the claim key <c>reminder|{appointmentId}|{startUtc}</c>. Whoever creates or re-claims it
/// (with the ETag it read) is the one scanner that sends; <see cref="ClaimId"/> tells that scanner its own claim.
/// </summary>
internal sealed record ReminderClaim(
    string Status,
    int Attempts,
    string ClaimId,
    DateTimeOffset ClaimedAt,
    DateTimeOffset? SentAt = null,
    string? LastError = null,
    DateTimeOffset? NextAttemptAt = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // A new start time gives a new key, so a rescheduled appointment gets its reminder again.
    public static string Key(string appointmentId, DateTimeOffset startUtc) =>
        $"reminder|{appointmentId}|{startUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    public static ReminderClaim Sending(int attempts, DateTimeOffset now) =>
        new(ReminderStatus.Sending, attempts, Guid.NewGuid().ToString("N"), now);

    public static ReminderClaim Read(byte[] value) =>
        JsonSerializer.Deserialize<ReminderClaim>(value, Json) ?? throw new JsonException("A reminder claim is null.");

    public ReminderClaim Sent(DateTimeOffset now) =>
        this with { Status = ReminderStatus.Sent, SentAt = now, LastError = null, NextAttemptAt = null };

    public ReminderClaim Retrying(string error, DateTimeOffset nextAttemptAt) =>
        this with { Status = ReminderStatus.Retrying, LastError = error, NextAttemptAt = nextAttemptAt };

    public ReminderClaim Failed(string error) =>
        this with { Status = ReminderStatus.Failed, LastError = error, NextAttemptAt = null };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public DeliveryState ToState() => new(Status, Attempts, SentAt, LastError);
}
