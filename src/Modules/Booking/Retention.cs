using System.ComponentModel.DataAnnotations;
using Appointments.BuildingBlocks;
using Appointments.Booking.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>The <c>Retention:</c> section: when what can no longer matter is purged.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    public bool Enabled { get; set; } = true;

    /// <summary>How long after its start an appointment nobody closed gives up its time cells and slot.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan PastAppointments { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a deleted appointment keeps its email and phone before it is stripped to a tombstone.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan DeletedContactData { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Purges, on every replica every <c>Retention:Interval</c> (it is idempotent, and marks say where the last pass
/// stopped): time cells and slots of appointments that started more than <c>Retention:PastAppointments</c> ago, the
/// start-hour index of those hours, and the email and phone of appointments deleted more than
/// <c>Retention:DeletedContactData</c> ago. A first pass looks back a year.
/// </summary>
internal sealed partial class Retention(RetentionStore store, TimeProvider time, IOptions<RetentionOptions> options, ILogger<Retention> logger) : BackgroundService
{
    private const string Hours = "past-hours";
    private const string Days = "deleted-days";
    // Each read checks this many hours' (4 index shards each) or days' keys at once.
    private const int PeriodsPerRead = 256;

    /// <summary>Where a first pass starts: data older than this when retention first runs is left as it is.</summary>
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(365);

    public async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var hours = await PassAsync(Hours, TimeSpan.FromHours(1), now - o.PastAppointments, store.HoursWithAppointmentsAsync, store.ReleasePastHourAsync, cancellationToken);
        var days = await PassAsync(Days, TimeSpan.FromDays(1), now - o.DeletedContactData, store.DaysWithDeletionsAsync, store.StripDeletedDayAsync, cancellationToken);
        if (hours > 0 || days > 0)
        {
            Log.Purged(logger, hours, days);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? Periodic.RunAsync(PurgeOnceAsync, options.Value.Interval, time, ex => Log.Failed(logger, ex), stoppingToken)
            : Task.CompletedTask;

    /// <summary>
    /// Works through the whole hours (or days) older than <paramref name="before"/>, from where the last pass stopped:
    /// finds the ones with anything to purge a chunk at a time with one read, purges those, and moves the mark on
    /// after each chunk, stopping at the first period it could not finish.
    /// </summary>
    private async Task<int> PassAsync(
        string name,
        TimeSpan step,
        DateTimeOffset before,
        Func<IReadOnlyList<DateTimeOffset>, CancellationToken, Task<IReadOnlyList<DateTimeOffset>>> withWork,
        Func<DateTimeOffset, CancellationToken, Task<int>> purge,
        CancellationToken cancellationToken)
    {
        var hours = step == TimeSpan.FromHours(1);
        var (done, mark) = await store.MarkAsync(name, hours, cancellationToken);
        var next = done is { } last ? last + step : BookingKeys.Floor(before - FirstLookBack, step);
        var purged = 0;
        while (next + step <= before)
        {
            var periods = new List<DateTimeOffset>();
            for (var period = next; period + step <= before && periods.Count < PeriodsPerRead; period += step)
            {
                periods.Add(period);
            }

            foreach (var period in await withWork(periods, cancellationToken))
            {
                var count = await purge(period, cancellationToken);
                if (count < 0)
                {
                    // Lost a race: leave the mark before this period, for the next pass.
                    await store.AdvanceAsync(mark, period - step, hours, cancellationToken);
                    return purged;
                }

                purged += count;
            }

            if (!await store.AdvanceAsync(mark, periods[^1], hours, cancellationToken))
            {
                return purged;
            }

            (_, mark) = await store.MarkAsync(name, hours, cancellationToken);
            next = periods[^1] + step;
        }

        return purged;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Retention released the time of {Appointments} past appointment(s) and stripped {Deleted} deleted one(s) of contact data")]
        public static partial void Purged(ILogger logger, int appointments, int deleted);

        [LoggerMessage(2, LogLevel.Warning, "Retention pass failed; the next one picks up where this one stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
