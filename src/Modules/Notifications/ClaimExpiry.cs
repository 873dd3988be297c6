using System.Globalization;
using System.Text;
using System.Text.Json;
using Appointments.BuildingBlocks;
using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications;

/// <summary>
/// Claims are kept only while they guard something: a reminder's until a day after its appointment has started (no scan looks
/// at a past start again), a notice's for two days (it has left Booking's outbox long before). Each new claim is
/// listed, in the transaction that creates it, under the day it may go; a purge on every replica, every six hours, deletes the
/// claims of days gone by, from where the last pass stopped.
/// </summary>
internal sealed partial class ClaimExpiry(IStateStore store, TimeProvider time, ILogger<ClaimExpiry> logger) : BackgroundService
{
    public const int Shards = 16;
    private const string MarkKey = "claims-purged-through";

    /// <summary>Claims expire by the day; four passes a day find each day's lists within hours of its end.</summary>
    private static readonly TimeSpan PassEvery = TimeSpan.FromHours(6);

    /// <summary>Where a first pass starts: claims older than this when the purge first runs are left as they are.</summary>
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(365);

    public static string ListKey(DateTimeOffset day, string claimKey) =>
        $"claims-expiring|{Day(day)}|{(uint)string.GetHashCode(claimKey.AsSpan(), StringComparison.Ordinal) % Shards}";

    /// <summary>Adds <paramref name="claimKey"/> to the list of the day it expires, guarded by the list's ETag.</summary>
    public static StateOperation ListOperation(StateEntry list, string claimKey)
    {
        var keys = Read(list);
        keys.Add(claimKey);
        var value = JsonSerializer.SerializeToUtf8Bytes(keys, ClaimListJson.Default.ListString);
        return list.Exists ? StateOperation.Save(list.Key, value, list.ETag) : StateOperation.Create(list.Key, value);
    }

    public async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var mark = await store.GetAsync(MarkKey, cancellationToken);
        var today = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var day = mark.Value is { } done
            ? DateTimeOffset.ParseExact(Encoding.UTF8.GetString(done), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddDays(1)
            : today - FirstLookBack;
        var purged = 0;
        for (; day < today; day = day.AddDays(1))
        {
            var lists = await store.GetBulkAsync(Enumerable.Range(0, Shards).Select(shard => $"claims-expiring|{Day(day)}|{shard}").ToList(), cancellationToken);
            var claims = lists.SelectMany(Read).Distinct(StringComparer.Ordinal).ToList();
            var operations = claims.Select(claim => StateOperation.Delete(claim))
                .Concat(lists.Where(l => l.Exists).Select(l => StateOperation.Delete(l.Key, l.ETag)))
                .Append(mark.Exists
                    ? StateOperation.Save(MarkKey, Encoding.UTF8.GetBytes(Day(day)), mark.ETag)
                    : StateOperation.Create(MarkKey, Encoding.UTF8.GetBytes(Day(day))))
                .ToList();
            if (!await store.TryExecuteAsync(operations, cancellationToken))
            {
                break; // another replica got there first, or a claim was listed meanwhile: the next pass goes on
            }

            purged += claims.Count;
            mark = await store.GetAsync(MarkKey, cancellationToken);
        }

        if (purged > 0)
        {
            Log.Purged(logger, purged);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(PurgeOnceAsync, PassEvery, time, ex => Log.Failed(logger, ex), stoppingToken);

    private static string Day(DateTimeOffset day) => day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static List<string> Read(StateEntry list) =>
        list.Value is null ? [] : JsonSerializer.Deserialize(list.Value, ClaimListJson.Default.ListString) ?? [];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Purged {Claims} reminder and notice claim(s) that guard nothing any more")]
        public static partial void Purged(ILogger logger, int claims);

        [LoggerMessage(2, LogLevel.Warning, "Claim purge failed; the next pass picks up where this one stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class ClaimListJson : System.Text.Json.Serialization.JsonSerializerContext;
