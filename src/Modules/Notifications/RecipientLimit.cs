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
/// once; a message counted already (a retry) is not counted again. Each day's keys are listed by day
/// (<c>notice-recipients|{yyyyMMdd}|{digit}</c>, sixteen lists by the hash's first digit, written only when an address
/// is first counted that day) and purged two days later (<see cref="PurgeAsync"/>).
/// </summary>
internal sealed class RecipientLimit(IStateStore store, IOptions<NoticesOptions> options, TimeProvider time, ILogger<RecipientLimit> logger)
{
    private const int MaxAttempts = 10;
    private const string MarkKey = "notice-recipients-purged-through";

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

        // A new day's key is listed for the purge in the transaction that creates it.
        var list = await store.GetAsync(ListKey(now, today.Key[^64..]), cancellationToken);
        var keys = ReadKeys(list);
        keys.Add(today.Key);
        var listed = JsonSerializer.SerializeToUtf8Bytes(keys, RecipientJson.Default.ListString);
        return await store.TryExecuteAsync(
            [StateOperation.Create(today.Key, value), list.Exists ? StateOperation.Save(list.Key, listed, list.ETag) : StateOperation.Create(list.Key, listed)],
            cancellationToken);
    }

    /// <summary>
    /// Deletes the counts of days older than yesterday, from where the last pass stopped, a bounded number of keys per
    /// transaction; nothing counts them any more. Returns how many it deleted.
    /// </summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var today = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new PeriodPurge(store, MarkKey, "yyyyMMdd", TimeSpan.FromDays(1)).RunAsync(today.AddDays(-1), today.AddDays(-7), async day =>
        {
            var lists = await store.GetBulkAsync(Enumerable.Range(0, 16).Select(d => ListKey(day, d.ToString("x", CultureInfo.InvariantCulture))).ToList(), cancellationToken);
            return [.. lists.SelectMany(ReadKeys), .. lists.Where(l => l.Exists).Select(l => l.Key)];
        }, cancellationToken);
    }

    private static string ListKey(DateTimeOffset day, string hash) =>
        $"notice-recipients|{day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{hash[0]}";

    private static List<string> ReadKeys(StateEntry entry) =>
        entry.Value is null ? [] : JsonSerializer.Deserialize(entry.Value, RecipientJson.Default.ListString) ?? [];

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
[JsonSerializable(typeof(List<string>))]
internal sealed partial class RecipientJson : JsonSerializerContext;
