using System.Globalization;
using System.Text.Json;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications;

internal static class DeliveryStatus
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Failed = "failed";

    /// <summary>Settled without a send: see <see cref="Suppression"/>.</summary>
    public const string Suppressed = "suppressed";
}

/// <summary>Why a message was suppressed, as the claim and the appointment record it.</summary>
internal static class Suppression
{
    public const string RecipientLimit = "recipient_limit";
    public const string RefusedDestination = "refused_destination";
}

/// <summary>
/// The value of a claim key (a reminder's or a notice's). Whoever creates or re-claims it (with the ETag it read)
/// is the one scanner that sends; <see cref="ClaimId"/> tells that scanner its own claim.
/// </summary>
internal sealed record DeliveryClaim(
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

    public static DeliveryClaim Sending(int attempts, DateTimeOffset now) =>
        new(DeliveryStatus.Sending, attempts, Guid.NewGuid().ToString("N"), now);

    public static DeliveryClaim Read(byte[] value) =>
        JsonSerializer.Deserialize<DeliveryClaim>(value, Json) ?? throw new JsonException("A delivery claim is null.");

    public DeliveryClaim Sent(DateTimeOffset now) =>
        this with { Status = DeliveryStatus.Sent, SentAt = now, LastError = null, NextAttemptAt = null };

    public DeliveryClaim Retrying(string error, DateTimeOffset nextAttemptAt) =>
        this with { Status = DeliveryStatus.Retrying, LastError = error, NextAttemptAt = nextAttemptAt };

    public DeliveryClaim Failed(string error) =>
        this with { Status = DeliveryStatus.Failed, LastError = error, NextAttemptAt = null };

    public DeliveryClaim Suppressed(string reason) =>
        this with { Status = DeliveryStatus.Suppressed, LastError = reason, NextAttemptAt = null };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public DeliveryState ToState() => new(Status, Attempts, SentAt, LastError);
}
