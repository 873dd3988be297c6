using System.Diagnostics;
using System.Globalization;
using System.Text;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Tests.DaprSidecar;
using Dapr.Client;

// What confirming a transaction costs (issue 7, item 3): a booking-shaped transaction through the real SDK and gRPC
// against the sidecar double (MongoDB behaviour), three ways, interleaved in rounds so drift hits all alike:
//   raw      DaprClient.ExecuteStateTransactionAsync: the transaction alone, as the adapter did before
//   adapter  DaprStateStore.TryExecuteAsync: the transaction plus the bulk get that confirms it
//   confirm  DaprClient.GetBulkStateAsync of a stored booking's nine keys: the confirmation alone
// Then the same with 16 concurrent callers, for throughput.
//
//   DaprCommit [--rounds 10] [--per-round 200] [--seconds 5] [--concurrency 16]
var rounds = Option("--rounds", 10);
var perRound = Option("--per-round", 200);
var seconds = Option("--seconds", 5);
var concurrency = Option("--concurrency", 16);

await using var sidecar = await DaprSidecarDouble.StartAsync();
using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).Build();
var store = new DaprStateStore(client);
var document = Encoding.UTF8.GetBytes(
    """{"id":"ID","username":"bench-user","doctor":"dr-bench","start_utc":"2031-03-10T10:00:00+00:00","duration_minutes":30,"slot":null,"status":"scheduled","email":"bench-user@example.com","phone":"+15555550100","reminder_method":"email","created_at":"2026-11-25T12:00:00+00:00","updated_at":"2026-11-25T12:00:00+00:00"}""");
var next = 0;
var written = new List<IReadOnlyList<string>>();
for (var i = 0; i < 500; i++)
{
    var booking = Booking();
    await client.ExecuteStateTransactionAsync("statestore", Requests(booking));
    written.Add(booking.Select(o => o.Key).ToList());
}

var reads = 0;

var strategies = new (string Name, Func<Task> Run)[]
{
    ("raw", () => client.ExecuteStateTransactionAsync("statestore", Requests(Booking()))),
    ("adapter", async () =>
    {
        if (!await store.TryExecuteAsync(Booking()))
        {
            throw new InvalidOperationException("A fresh booking conflicted.");
        }
    }),
    ("confirm", async () => await client.GetBulkStateAsync("statestore", written[Interlocked.Increment(ref reads) % written.Count], parallelism: null)),
};

Console.WriteLine($"Transaction confirmation benchmark: {rounds} rounds x {perRound} per strategy, then {seconds} s x {concurrency} callers");
foreach (var (_, run) in strategies)
{
    for (var i = 0; i < 300; i++)
    {
        await run();
    }
}

var latencies = strategies.ToDictionary(s => s.Name, _ => new List<double>());
for (var round = 0; round < rounds; round++)
{
    foreach (var (name, run) in strategies)
    {
        for (var i = 0; i < perRound; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await run();
            latencies[name].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }
}

var throughput = new Dictionary<string, double>();
foreach (var (name, run) in strategies)
{
    var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        var done = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            await run();
            done++;
        }

        return done;
    }));
    throughput[name] = counts.Sum() / (double)seconds;
}

Console.WriteLine();
Console.WriteLine($"| strategy | median µs | p90 µs | p99 µs | ops/s at {concurrency} callers |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (name, _) in strategies)
{
    var sorted = latencies[name].Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {At(sorted, 0.5):F0} | {At(sorted, 0.9):F0} | {At(sorted, 0.99):F0} | {throughput[name]:F0} |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"confirmation adds {At(latencies["adapter"].Order().ToList(), 0.5) - At(latencies["raw"].Order().ToList(), 0.5):F0} µs at the median; stored keys: {sidecar.StoredStateKeys.Count:N0}"));

// A booking as Booking writes it: the document, six 5-minute cells and the two index keys, all first-write.
IReadOnlyList<StateOperation> Booking()
{
    var id = Interlocked.Increment(ref next).ToString("x8", CultureInfo.InvariantCulture);
    var heldBy = Encoding.UTF8.GetBytes($"\"{id}\"");
    return
    [
        StateOperation.Create($"appointment|{id}", document),
        .. Enumerable.Range(0, 6).Select(cell => StateOperation.Create($"doctor-time|dr-{id}|20310310{1000 + (cell * 5):D4}", heldBy)),
        StateOperation.Create($"user-appointments|user-{id}", Encoding.UTF8.GetBytes($"[\"{id}\"]")),
        StateOperation.Create($"appointment-starts|2031031010|{id[^1]}-{id}", Encoding.UTF8.GetBytes($"[\"{id}\"]")),
    ];
}

static List<StateTransactionRequest> Requests(IReadOnlyList<StateOperation> operations) =>
    operations.Select(o => new StateTransactionRequest(o.Key, o.Value, StateOperationType.Upsert, "", options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite })).ToList();

static double At(List<double> sorted, double quantile) => sorted[(int)Math.Min(sorted.Count - 1, quantile * sorted.Count)];

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
