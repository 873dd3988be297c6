using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Appointments.TestSupport;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

// Issue 12: how long a booking's notice takes to leave. Starts an SMTP sink (the SmtpServer package, as the tests
// use) that records when each message arrives, starts the host (Release build, Production, its own SQLite file,
// email to the sink, user check off) and books at a fixed rate, each booking with its own recipient address.
// Latency = arrival at the sink - the moment the 201 came back.
//   NoticeLatency --host-dll <path> [--rate 1000] [--seconds 120] [--delay 00:00:10] [--patients 1000] [--dir <dir>]
//                 [--setting Name=value]...   (extra host settings)
// --rate is bookings per minute.
//   NoticeLatency --sink-port-file <file>   only the SMTP sink: writes its port to the file and runs until killed
//                                            (bench/run-http.sh points its hosts' email at it)
if (OptionText("--sink-port-file") is { } portFile)
{
    var (_, port) = await StartSinkAsync(new ConcurrentDictionary<string, long>());
    await File.WriteAllTextAsync(portFile, port.ToString(CultureInfo.InvariantCulture));
    await Task.Delay(Timeout.Infinite);
}

var hostDll = OptionText("--host-dll") ?? throw new ArgumentException("--host-dll is required");
var rate = Option("--rate", 1000);
var seconds = Option("--seconds", 120);
var delay = OptionText("--delay") ?? "00:00:10";
var patients = Option("--patients", 1000);
var dir = OptionText("--dir") ?? Directory.CreateTempSubdirectory("notice-latency").FullName;
var settings = args.Select((a, i) => (a, i)).Where(p => p.a == "--setting" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToList();
var key = Environment.GetEnvironmentVariable("JWT_SECRET_KEY") is { Length: >= 32 } k ? k : "bench-signing-key-0123456789abcdef-0123456789";

var arrivals = new ConcurrentDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
var (smtp, smtpPort) = await StartSinkAsync(arrivals);

var hostPort = FreePort();
var hostUrl = $"http://127.0.0.1:{hostPort}";
Directory.CreateDirectory(Path.Combine(dir, "run"));
var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.Combine(dir, "run"), RedirectStandardOutput = true, RedirectStandardError = true };
start.ArgumentList.Add(hostDll);
start.ArgumentList.Add("--urls");
start.ArgumentList.Add(hostUrl);
foreach (var (name, value) in new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["Logging__LogLevel__Default"] = "Warning",
    ["JWT_SECRET_KEY"] = key,
    ["ConnectionStrings__Appointments"] = $"Data Source={Path.Combine(dir, "appointments.db")}",
    ["SMTP_HOST"] = "127.0.0.1",
    ["SMTP_PORT"] = smtpPort.ToString(CultureInfo.InvariantCulture),
    ["EMAIL_ADDRESS"] = "clinic@bench.example",
    ["UserService__Enabled"] = "false",
    ["RateLimits__WritesPerMinute"] = "100000000",
    ["RateLimits__ReadsPerMinute"] = "100000000",
    ["Notices__Delay"] = delay,
})
{
    start.Environment[name] = value;
}

foreach (var setting in settings)
{
    var at = setting.IndexOf('=', StringComparison.Ordinal);
    start.Environment[setting[..at]] = setting[(at + 1)..];
}

using var host = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
var hostLog = new StringBuilder();
host.OutputDataReceived += (_, e) => { lock (hostLog) { hostLog.AppendLine(e.Data); } };
host.ErrorDataReceived += (_, e) => { lock (hostLog) { hostLog.AppendLine(e.Data); } };
host.BeginOutputReadLine();
host.BeginErrorReadLine();
try
{
    using var http = new HttpClient { BaseAddress = new Uri(hostUrl), Timeout = TimeSpan.FromSeconds(30) };
    await WaitReadyAsync(http, host);
    var tokens = Enumerable.Range(0, patients).Select(i => FlaskTokens.Access($"notice-p{i:D4}", null, key, TimeSpan.FromHours(2))).ToArray();

    // Every booking at its own half hour, two days ahead and on: no reminder falls due, no patient overlaps.
    var now = DateTimeOffset.UtcNow;
    var firstSlot = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(2);
    var total = rate * seconds / 60;
    var every = TimeSpan.FromMinutes(1) / rate;
    var answered = new long[total];
    var statuses = new ConcurrentDictionary<int, int>();
    var bookingMs = new ConcurrentBag<double>();
    Console.WriteLine($"NoticeLatency: {total} bookings at {rate}/min over {seconds} s, Notices:Delay={delay}, SMTP sink on {smtpPort}, host {hostUrl}, {dir}");

    var started = Stopwatch.GetTimestamp();
    var requests = new List<Task>(total);
    for (var n = 0; n < total; n++)
    {
        var due = started + (long)(n * every.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < due)
        {
            await Task.Delay(TimeSpan.FromTicks(Math.Max(1, (due - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        }

        requests.Add(BookAsync(n));
    }

    await Task.WhenAll(requests);
    var bookedUntil = Stopwatch.GetTimestamp();
    var booked = answered.Count(t => t != 0);

    // Every notice should arrive within about one scan interval (Delay / 2) plus the time to send a scan's batch.
    var deadline = bookedUntil + (long)((TimeSpan.Parse(delay, CultureInfo.InvariantCulture).TotalSeconds * 3 + 30) * Stopwatch.Frequency);
    while (Stopwatch.GetTimestamp() < deadline && Enumerable.Range(0, total).Count(i => answered[i] != 0 && arrivals.ContainsKey(Address(i))) < booked)
    {
        await Task.Delay(200);
    }

    var latencies = Enumerable.Range(0, total)
        .Where(i => answered[i] != 0 && arrivals.TryGetValue(Address(i), out _))
        .Select(i => Stopwatch.GetElapsedTime(answered[i], arrivals[Address(i)]).TotalMilliseconds)
        .Order()
        .ToList();
    var bookingTimes = bookingMs.Order().ToList();
    Console.WriteLine($"booked {booked} of {total} (statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))}); " +
        $"booking took p50 {P(bookingTimes, 50):F1} ms, p99 {P(bookingTimes, 99):F1} ms");
    Console.WriteLine($"notices arrived: {latencies.Count} of {booked}; latency from booking to arrival: " +
        $"p50 {P(latencies, 50):F0} ms, p90 {P(latencies, 90):F0} ms, p99 {P(latencies, 99):F0} ms, min {P(latencies, 0):F0} ms, max {P(latencies, 100):F0} ms");
    Console.WriteLine($"RESULT booked={booked} arrived={latencies.Count} p50_ms={P(latencies, 50):F0} p90_ms={P(latencies, 90):F0} p99_ms={P(latencies, 99):F0} max_ms={P(latencies, 100):F0}");
    if (hostLog.ToString().Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(5).ToList() is { Count: > 0 } errors)
    {
        Console.WriteLine("host log:\n" + string.Join('\n', errors));
    }

    return latencies.Count == booked && booked == total ? 0 : 1;

    async Task BookAsync(int n)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"doctor":"dr-notice-{{n}}","date_time":"{{firstSlot.AddMinutes(30 * n):yyyy-MM-dd HH:mm:ss}}","email":"{{Address(n)}}","reminder_method":"email"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[n % patients]);
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var at = Stopwatch.GetTimestamp();
        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
        bookingMs.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            answered[n] = at;
        }
    }
}
finally
{
    if (!host.HasExited)
    {
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync();
    }

    smtp.Shutdown();
    await smtp.ShutdownTask;
}

static string Address(int n) => string.Create(CultureInfo.InvariantCulture, $"b{n}@bench.example");

static double P(List<double> sorted, int percent) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - (percent == 0 ? 0 : 1))];

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitReadyAsync(HttpClient http, Process host)
{
    for (var i = 0; i < 300; i++)
    {
        if (host.HasExited)
        {
            throw new InvalidOperationException($"The host exited with {host.ExitCode}.");
        }

        try
        {
            if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("The host did not get ready.");
}

static async Task<(SmtpServer.SmtpServer Server, int Port)> StartSinkAsync(ConcurrentDictionary<string, long> arrivals)
{
    var listeners = new EndpointListenerFactory();
    var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
    listeners.EndpointStarted += (_, e) => listening.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
    var services = new ServiceProvider();
    services.Add(listeners);
    services.Add(new RecordArrivals(arrivals));
    var options = new SmtpServerOptionsBuilder().ServerName("localhost")
        .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))).Build();
    var server = new SmtpServer.SmtpServer(options, services);
    _ = server.StartAsync(CancellationToken.None);
    return (server, await listening.Task.WaitAsync(TimeSpan.FromSeconds(10)));
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>Keeps, per recipient, when its first message arrived.</summary>
internal sealed class RecordArrivals(ConcurrentDictionary<string, long> arrivals) : MessageStore
{
    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var at = Stopwatch.GetTimestamp();
        foreach (var to in transaction.To)
        {
            arrivals.TryAdd($"{to.User}@{to.Host}", at);
        }

        return Task.FromResult(SmtpResponse.Ok);
    }
}
