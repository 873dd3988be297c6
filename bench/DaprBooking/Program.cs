using System.Diagnostics;
using System.Globalization;
using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Tests.DaprSidecar;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A booking in Dapr mode (issue 18): Booking's own code over the Dapr adapter and the real SDK, over gRPC to the sidecar
// double (MongoDB behaviour, each write of a transaction taking --latency-ms), as the host runs it without HTTP and the
// user check. First --bookings one at a time (p50, p99, and the sidecar calls one booking makes), then --concurrency
// callers for --seconds (bookings per second), each on its own doctor and patient, a day of 30-minute visits at a time.
//
//   DaprBooking [--bookings 2000] [--seconds 5] [--concurrency 16] [--latency-ms 0]
var bookings = Option("--bookings", 2000);
var seconds = Option("--seconds", 5);
var concurrency = Option("--concurrency", 16);
var latency = TimeSpan.FromMilliseconds(Option("--latency-ms", 0));

await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { StateOperationLatency = latency });
using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).Build();
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["UserService:Enabled"] = "false" });
builder.Logging.ClearProviders();
builder.Services.AddSingleton<IStateStore>(new DaprStateStore(client));
builder.AddBookingModule(new BookingSettings());
using var host = builder.Build();
var book = host.Services.GetRequiredService<AppointmentBook>();
var admin = new Caller("bench-admin", Caller.Admin);
var first = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2), TimeSpan.Zero);
long sequence = 0;

Console.WriteLine($"DaprBooking: {bookings} one at a time, then {concurrency} callers for {seconds} s; a write takes {latency.TotalMilliseconds} ms in the store");
for (var i = 0; i < 200; i++)
{
    await BookAsync(Interlocked.Increment(ref sequence));
}

var times = new List<double>(bookings);
var calls = sidecar.StateCalls;
for (var i = 0; i < bookings; i++)
{
    var started = Stopwatch.GetTimestamp();
    await BookAsync(Interlocked.Increment(ref sequence));
    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}

var perBooking = (double)(sidecar.StateCalls - calls) / bookings;
times.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"one at a time: p50 {times[times.Count / 2]:F2} ms, p99 {times[(int)(times.Count * 0.99)]:F2} ms, {perBooking:F2} sidecar calls a booking"));

var until = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
var clock = Stopwatch.StartNew();
var done = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
{
    var count = 0;
    while (Stopwatch.GetTimestamp() < until)
    {
        await BookAsync(Interlocked.Increment(ref sequence));
        count++;
    }

    return count;
})));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{concurrency} callers: {done.Sum() / clock.Elapsed.TotalSeconds:F0} bookings/s"));
return 0;

// Booking n: one of 50 doctors and 1,000 patients, the next free half hour of that doctor's week.
async Task BookAsync(long n)
{
    var (doctor, patient) = ($"dr-{n % 50:D2}", $"p{n % 1000:D4}");
    var start = first.AddMinutes(30 * (n / 50));
    var request = new NewAppointment(doctor, start) { Email = $"{patient}@example.com", Username = patient };
    var (booked, error) = await book.BookAsync(admin, request, null, null, CancellationToken.None);
    if (booked is null)
    {
        throw new InvalidOperationException($"Booking {n} was refused: {error?.Message}");
    }
}

int Option(string name, int fallback) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
