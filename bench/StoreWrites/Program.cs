using System.Diagnostics;
using System.Globalization;
using System.Text;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;

// The SQLite store's write path alone, without HTTP: booking-shaped transactions from concurrent callers, as
// Booking writes them (the document, its history record and its outbox event created; the doctor's day, the patient
// and the patient's month read and written back with their ETags), so a change to src/BuildingBlocks/State/Sqlite can
// be measured without the noise of the whole host.
//   StoreWrites [--callers 64] [--seconds 10] [--warmup 3] [--runs 3] [--dir /tmp/...] [--synchronous Full|Normal]
// Prints, per run, transactions per second and the process's CPU time per transaction.
var callers = Option("--callers", 64);
var seconds = Option("--seconds", 10);
var warmup = Option("--warmup", 3);
var runs = Option("--runs", 3);
var dir = OptionText("--dir") ?? Directory.CreateTempSubdirectory("store-writes").FullName;
var synchronous = Enum.Parse<SqliteSynchronous>(OptionText("--synchronous") ?? "Full");

using var store = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={Path.Combine(dir, "store.db")}", Synchronous = synchronous });
var document = Encoding.UTF8.GetBytes(new string('d', 330));
var history = Encoding.UTF8.GetBytes(new string('h', 290));
var notice = Encoding.UTF8.GetBytes(new string('n', 300));
long sequence = 0, conflicts = 0;

Console.WriteLine($"StoreWrites: {callers} callers, {synchronous}, {dir}");
await RunAsync(warmup);
for (var run = 1; run <= runs; run++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var (done, elapsed) = await RunAsync(seconds);
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run}: {done / elapsed:F0} transactions/s, {cpu.TotalMicroseconds / done:F0} µs CPU each, {Interlocked.Exchange(ref conflicts, 0)} conflicts retried"));
}

return 0;

async Task<(long Done, double Seconds)> RunAsync(int forSeconds)
{
    var started = Stopwatch.GetTimestamp();
    var until = started + (forSeconds * Stopwatch.Frequency);
    var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
    {
        long done = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            await BookAsync(Interlocked.Increment(ref sequence));
            done++;
        }

        return done;
    })));
    return (counts.Sum(), Stopwatch.GetElapsedTime(started).TotalSeconds);
}

// One booking: a new id (time first, like Booking's), one of 50 doctors and 1,000 patients, on a day spread like
// bench/lua/post.lua spreads them; its event goes to the caller's own lane, as each write holds one.
async Task BookAsync(long n)
{
    var id = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}{Random.Shared.NextInt64():x16}";
    var patient = (int)(n % 1000);
    var slot = (int)(((n / 1000) + (patient * 17)) % 17000);
    var day = (int)((n / 1000) % 365);
    var creates = new List<StateOperation>
    {
        StateOperation.Create($"appointment|{id}", document),
        StateOperation.Create($"appointment|{id}|history|1", history),
        StateOperation.Create($"outbox|{n % callers}|{n}", notice),
    };

    string[] indexes = [$"doctor-day|dr-{n % 50:D2}|{day:D3}", $"patient|p{patient:D4}", $"patient-month|p{patient:D4}|{day / 30:D2}"];
    for (var attempt = 0; ; attempt++)
    {
        var entries = await store.GetBulkAsync(indexes);
        var operations = new List<StateOperation>(creates);
        foreach (var entry in entries)
        {
            // Lists stay short, as a day's and a patient's are: the store's cost, not the list's.
            var list = entry.Value is null ? $"[\"{id}\"]" : $"[\"{id}\",{Encoding.UTF8.GetString(entry.Value)[1..^1].Split(',').Take(9).Aggregate((a, b) => a + "," + b)}]";
            operations.Add(entry.Exists ? StateOperation.Save(entry.Key, Encoding.UTF8.GetBytes(list), entry.ETag) : StateOperation.Create(entry.Key, Encoding.UTF8.GetBytes(list)));
        }

        if (await store.TryExecuteAsync(operations))
        {
            return;
        }

        Interlocked.Increment(ref conflicts);
        if (attempt == 100)
        {
            throw new InvalidOperationException($"Booking {n} conflicted 100 times: a key it creates must exist already.");
        }
    }
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
