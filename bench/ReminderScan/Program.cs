using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Appointments.Booking;
using Appointments.Booking.Contracts;
using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Reminder scan benchmark: one IAppointmentSchedule.StartingBetweenAsync(now, now + 24h) -- the query every
// reminder scan starts with -- over a store holding N appointments of which 1,000 are due.
//
//   ReminderScan [--dir /tmp/x] [--sizes 100000,1000000] [--due 1000] [--runs 15] [--keep]
//
// Seeding writes Booking's own keys through the IStateStore port, in batched transactions: the document
// (serialised with Booking's storage JSON) and every index entry Booking's own IndexChange gives a new
// appointment (start hour, the user's month bucket), plus the users' month directories. The doctor-time cell
// and slot keys are NOT written: they only guard against double booking and the scan never reads them.
var options = BenchOptions.Parse(args);
Directory.CreateDirectory(options.Directory);
Console.WriteLine($"Reminder scan benchmark: due={options.Due}, runs={options.Runs}, dir={options.Directory}");
Console.WriteLine();

var results = new List<SizeResult>();
foreach (var size in options.Sizes)
{
    results.Add(await RunSizeAsync(options, size));
}

Console.WriteLine();
Console.WriteLine("| stored | due | seed s | DB MiB | scan median ms | scan min ms | scan p90 ms | found |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Stored:N0} | {r.Due:N0} | {r.SeedSeconds:F1} | {r.DatabaseMiB:F0} | {r.Median:F2} | {r.Min:F2} | {r.P90:F2} | {r.Found:N0} |"));
}

if (results.Count >= 2)
{
    var ratio = results[^1].Median / results[0].Median;
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"median scan at {results[^1].Stored:N0} stored / at {results[0].Stored:N0} stored = {ratio:F2}x"));
}

return results.All(r => r.Found == r.Due) ? 0 : 1;

static async Task<SizeResult> RunSizeAsync(BenchOptions options, int stored)
{
    var path = Path.Combine(options.Directory, $"scan-{stored}.db");
    foreach (var file in new[] { path, path + "-wal", path + "-shm" })
    {
        File.Delete(file);
    }

    var connectionString = $"Data Source={path}";
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["UserService:Enabled"] = "false" });
    builder.Logging.ClearProviders();
    builder.Services.AddSingleton<IStateStore>(_ => new SqliteStateStore(new SqliteStoreOptions { ConnectionString = connectionString }));
    builder.AddBookingModule(new BookingSettings());
    using var host = builder.Build();
    var store = host.Services.GetRequiredService<IStateStore>();
    var schedule = host.Services.GetRequiredService<IAppointmentSchedule>();

    var now = DateTimeOffset.UtcNow;
    Console.WriteLine($"== {stored:N0} stored, {options.Due:N0} due: seeding {path}");
    var seed = Stopwatch.StartNew();
    await Seeder.SeedAsync(store, now, stored, options.Due);
    seed.Stop();
    var size = Checkpoint(connectionString, path);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   seeded in {seed.Elapsed.TotalSeconds:F1} s, database {size:F0} MiB"));

    // Warm-up (JIT, connection pool, page cache), then the measured runs.
    var found = 0;
    for (var i = 0; i < 3; i++)
    {
        found = (await schedule.StartingBetweenAsync(now, now.AddHours(24))).Count;
    }

    var times = new List<double>(options.Runs);
    for (var i = 0; i < options.Runs; i++)
    {
        var watch = Stopwatch.StartNew();
        var due = await schedule.StartingBetweenAsync(now, now.AddHours(24));
        watch.Stop();
        times.Add(watch.Elapsed.TotalMilliseconds);
        found = due.Count;
    }

    times.Sort();
    var result = new SizeResult(stored, options.Due, seed.Elapsed.TotalSeconds, size, times[times.Count / 2], times[0], times[(int)Math.Ceiling(times.Count * 0.9) - 1], found);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"   scan: found {found:N0}; median {result.Median:F2} ms, min {result.Min:F2} ms, p90 {result.P90:F2} ms over {options.Runs} runs"));

    if (!options.Keep)
    {
        SqliteConnection.ClearAllPools();
        (store as IDisposable)?.Dispose();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    return result;
}

// Folds the WAL into the database file so the size reported is the data's, not the log's.
static double Checkpoint(string connectionString, string path)
{
    using (var connection = new SqliteConnection(connectionString))
    {
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    return new FileInfo(path).Length / (1024.0 * 1024.0);
}

internal sealed record SizeResult(int Stored, int Due, double SeedSeconds, double DatabaseMiB, double Median, double Min, double P90, int Found);

internal sealed record BenchOptions(string Directory, int[] Sizes, int Due, int Runs, bool Keep)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new BenchOptions(
            Value("--dir", Path.Combine(Path.GetTempPath(), "appointments-scan-bench")),
            Value("--sizes", "100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Value("--due", "1000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--runs", "15"), CultureInfo.InvariantCulture),
            args.Contains("--keep"));
    }
}

/// <summary>Writes appointments the way <c>AppointmentStore</c> lays them out, minus the cell and slot keys.</summary>
internal static class Seeder
{
    private const int BatchSize = 20_000;
    private const int Users = 10_000;

    public static async Task SeedAsync(IStateStore store, DateTimeOffset now, int stored, int due)
    {
        // Fixed seed: every run stores the same starts, doctors and users.
        var random = new Random(20261125);
        var indexes = new Dictionary<string, List<IndexEntry>>(StringComparer.Ordinal);
        var months = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var batch = new List<StateOperation>(BatchSize);
        for (var i = 0; i < stored; i++)
        {
            // The first `due` start within the next 24 hours (from a minute ahead); every other one from 2 to
            // 367 days ahead, on the minute, as bookings are -- so none of them is in an hour the scan reads.
            var start = i < due
                ? now.AddMinutes(1 + random.Next(23 * 60))
                : now.AddDays(2).AddMinutes(random.Next(365 * 24 * 60));
            start = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            var user = $"user-{random.Next(Users):D5}";
            var appointment = new Appointment
            {
                Id = NewId(now),
                Username = user,
                Doctor = $"dr-{random.Next(200):D3}",
                StartUtc = start,
                DurationMinutes = 30,
                Status = AppointmentStatus.Scheduled,
                Email = $"{user}@example.com",
                ReminderMethod = ReminderMethods.Email,
                CreatedAt = now,
                UpdatedAt = now,
            };

            batch.Add(StateOperation.Create(BookingKeys.Appointment(appointment.Id), JsonSerializer.SerializeToUtf8Bytes(appointment, StorageJson.Default.Appointment)));
            foreach (var change in IndexChange.Between(null, appointment))
            {
                Add(indexes, change.Key, change.Entry!);
                if (change.UserMonth is { } month)
                {
                    Add(months, BookingKeys.UserMonths(user), month);
                }
            }
            if (batch.Count == BatchSize)
            {
                await ExecuteAsync(store, batch);
            }
        }

        var lists = indexes.Select(i => (i.Key, Value: JsonSerializer.SerializeToUtf8Bytes(i.Value.Order().ToList(), StorageJson.Default.ListIndexEntry)))
            .Concat(months.Select(m => (m.Key, Value: JsonSerializer.SerializeToUtf8Bytes(m.Value.ToList(), StorageJson.Default.ListString))));
        foreach (var (key, value) in lists)
        {
            batch.Add(StateOperation.Create(key, value));
            if (batch.Count == BatchSize)
            {
                await ExecuteAsync(store, batch);
            }
        }

        await ExecuteAsync(store, batch);
    }

    private static void Add<TItem, TCollection>(Dictionary<string, TCollection> lists, string key, TItem item)
        where TCollection : ICollection<TItem>, new()
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = new TCollection();
        }

        list.Add(item);
    }

    private static async Task ExecuteAsync(IStateStore store, List<StateOperation> batch)
    {
        if (batch.Count > 0 && !await store.TryExecuteAsync(batch))
        {
            throw new InvalidOperationException("A seeding batch conflicted: the database was not fresh.");
        }

        batch.Clear();
    }

    // Booking's id shape: 4 bytes of Unix seconds, 8 random bytes, 24 lower-case hex digits.
    private static string NewId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)now.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }
}
