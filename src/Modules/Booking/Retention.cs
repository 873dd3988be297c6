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

    /// <summary>How long a deleted appointment keeps its email and phone before it is stripped to a tombstone.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan DeletedContactData { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Strips, on every replica every <c>Retention:Interval</c> (it is idempotent, and a mark says where the last pass
/// stopped), the email and phone of appointments deleted more than <c>Retention:DeletedContactData</c> ago. A first pass
/// looks back a year. Nothing else needs purging: slots held by past appointments give way to the next booking, a
/// patient's past appointments leave their record when it is next written, and idempotency keys go with them.
/// </summary>
internal sealed partial class Retention(RetentionStore store, TimeProvider time, IOptions<RetentionOptions> options, ILogger<Retention> logger) : BackgroundService
{
    private const string Days = "deleted-days";

    // Each read checks this many days' lists at once.
    private const int DaysPerRead = 8;

    /// <summary>Where a first pass starts: data older than this when retention first runs is left as it is.</summary>
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(365);

    public async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.DeletedContactData;
        var step = TimeSpan.FromDays(1);
        var (done, mark) = await store.MarkAsync(Days, cancellationToken);
        var next = done is { } last ? last + step : Floor(before - FirstLookBack);
        var stripped = 0;
        while (next + step <= before)
        {
            var days = new List<DateTimeOffset>();
            for (var day = next; day + step <= before && days.Count < DaysPerRead; day += step)
            {
                days.Add(day);
            }

            foreach (var day in await store.DaysWithDeletionsAsync(days, cancellationToken))
            {
                var count = await store.StripDeletedDayAsync(day, cancellationToken);
                if (count < 0)
                {
                    // Lost a race: leave the mark before this day, for the next pass.
                    await store.AdvanceAsync(mark, day - step, cancellationToken);
                    Report(stripped);
                    return;
                }

                stripped += count;
            }

            if (!await store.AdvanceAsync(mark, days[^1], cancellationToken))
            {
                break;
            }

            (_, mark) = await store.MarkAsync(Days, cancellationToken);
            next = days[^1] + step;
        }

        Report(stripped);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? Periodic.RunAsync(PurgeOnceAsync, options.Value.Interval, time, ex => Log.Failed(logger, ex), stoppingToken)
            : Task.CompletedTask;

    private void Report(int stripped)
    {
        if (stripped > 0)
        {
            Log.Stripped(logger, stripped);
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset utc) => new(utc.UtcDateTime.Date, TimeSpan.Zero);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Retention stripped {Deleted} deleted appointment(s) of their contact data")]
        public static partial void Stripped(ILogger logger, int deleted);

        [LoggerMessage(2, LogLevel.Warning, "Retention pass failed; the next one picks up where this one stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
