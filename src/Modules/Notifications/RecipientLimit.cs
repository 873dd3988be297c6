using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Notices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>
/// <c>Notices:MaxPerRecipientPerDay</c>: however many appointments name one email address or phone number, and
/// whoever made them, it gets at most that many notices in any 24 hours. Each send is counted under the address's
/// key of the day (<c>notice-recipient|{yyyyMMdd}|{hash}</c>: a SHA-256 of the address, never the address itself,
/// so no contact sits in keys, traces or logs), written with its ETag so replicas sending at once count each send
/// once; a message counted already (a retry) is not counted again. Each day's keys are purged with the claims.
/// </summary>
internal sealed class RecipientLimit(IStateStore store, IOptions<NoticesOptions> options, TimeProvider time, ILogger<RecipientLimit> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>
    /// Counts <paramref name="messageId"/> against <paramref name="address"/>'s last 24 hours; false when the
    /// address has had its share and the message must not go.
    /// </summary>
    public async Task<bool> TryTakeAsync(string address, string messageId, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxPerRecipientPerDay;
        var hash = Hash(address);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var (todayKey, yesterdayKey) = (Key(now, hash), Key(now.AddDays(-1), hash));
            var entries = await store.GetBulkAsync([todayKey, yesterdayKey], cancellationToken);
            var today = Read(entries[0]);
            var recent = today.Concat(Read(entries[1])).Where(s => now - s.At < TimeSpan.FromDays(1)).ToList();
            if (recent.Any(s => s.Id == messageId))
            {
                return true;
            }

            if (recent.Count >= max)
            {
                return false;
            }

            today.Add(new Sent(messageId, now));
            var value = JsonSerializer.SerializeToUtf8Bytes(today, RecipientJson.Default.ListSent);
            if (await TryWriteAsync(entries[0], value, now, cancellationToken))
            {
                return true;
            }
        }

        // Only a storm of sends to one address loses ten races in a row: holding back is the safe side of it.
        logger.LogWarning("Could not count a message towards its recipient's daily limit after {Attempts} attempts; it is held back", MaxAttempts);
        return false;
    }

    private async Task<bool> TryWriteAsync(StateEntry today, byte[] value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (today.Exists)
        {
            return await store.TryExecuteAsync([StateOperation.Save(today.Key, value, today.ETag)], cancellationToken);
        }

        // A new day's key is listed for the purge in the transaction that creates it, as claims are.
        var listKey = ClaimExpiry.ListKey(now.AddDays(2), today.Key);
        var list = await store.GetAsync(listKey, cancellationToken);
        return await store.TryExecuteAsync([StateOperation.Create(today.Key, value), ClaimExpiry.ListOperation(list, today.Key)], cancellationToken);
    }

    private static string Key(DateTimeOffset day, string hash) =>
        $"notice-recipient|{day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{hash}";

    // Addresses differ in case only where nobody's mail server cares; one mailbox is one recipient.
    private static string Hash(string address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant())));

    private static List<Sent> Read(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, RecipientJson.Default.ListSent) ?? [];
}

internal sealed record Sent([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("at")] DateTimeOffset At);

[JsonSerializable(typeof(List<Sent>))]
internal sealed partial class RecipientJson : JsonSerializerContext;
