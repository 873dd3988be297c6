using System.Globalization;
using System.Text;
using Appointments.BuildingBlocks.State;

namespace Appointments.Notifications;

/// <summary>
/// A purge that walks periods gone by (hours, days) from where the last pass stopped, as a mark in the store says
/// (<paramref name="markKey"/>, the last period done, in <paramref name="format"/>): deletes what each period names, a
/// bounded number of keys per transaction, then moves the mark on under its ETag. Any replica may run it at once: one
/// that finds the mark moved stops, the other purges that period.
/// </summary>
internal sealed class PeriodPurge(IStateStore store, string markKey, string format, TimeSpan period)
{
    /// <param name="before">Periods starting before this are purged.</param>
    /// <param name="firstFrom">Where a first pass starts, before any mark.</param>
    /// <param name="keysOf">The keys a period names, deleted with it; the period's own lists among them.</param>
    public async Task<int> RunAsync(DateTimeOffset before, DateTimeOffset firstFrom, Func<DateTimeOffset, Task<IReadOnlyList<string>>> keysOf, CancellationToken cancellationToken)
    {
        var mark = await store.GetAsync(markKey, cancellationToken);
        var at = mark.Value is { } done
            ? DateTimeOffset.ParseExact(Encoding.UTF8.GetString(done), format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) + period
            : firstFrom;
        var purged = 0;
        for (; at < before; at += period)
        {
            var keys = await keysOf(at);
            foreach (var chunk in keys.Chunk(StateLimits.OperationsPerTransaction))
            {
                await store.TryExecuteAsync(chunk.Select(key => StateOperation.Delete(key)).ToList(), cancellationToken);
            }

            var value = Encoding.UTF8.GetBytes(at.UtcDateTime.ToString(format, CultureInfo.InvariantCulture));
            if (!await store.TryExecuteAsync([mark.Exists ? StateOperation.Save(markKey, value, mark.ETag) : StateOperation.Create(markKey, value)], cancellationToken))
            {
                break; // another replica moved the mark: it purges this period
            }

            purged += keys.Count;
            mark = await store.GetAsync(markKey, cancellationToken);
        }

        return purged;
    }
}
