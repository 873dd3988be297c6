using System.Diagnostics;
using System.Globalization;
using Appointments.Booking;
using Appointments.Booking.Waitlist;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.Notifications;
using Appointments.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Issue 22: the waitlist's cost and latency, with 10 and with 1,000 entries waiting for one doctor. Booking and
// Notifications as the host composes them in Embedded mode (a SQLite file, email to a real SMTP server), in-process.
//   1. settle: with the timers off, frees a time (book, cancel) and times WaitlistOffers.SettleAsync alone, the work
//      a freed time costs: read the doctor's queue and day lists, pick the oldest entry that fits, hold it for them.
//   2. offer: with the timers on (Notices:Delay), cancels a booked time and waits for the offer to reach the SMTP
//      server: the time from the cancel's answer to the message's arrival (polled every 2 ms), each cancel at a random
//      moment of the scans' interval.
// Each round the oldest entry is offered the freed time and declines it, so it is the one offered next round too.
//   WaitlistOffer [--rounds 200] [--offers 40] [--delay 00:00:10] [--waiting 10,1000]
var rounds = Option("--rounds", 200);
var offers = Option("--offers", 40);
var delay = OptionText("--delay") ?? "00:00:10";
var counts = (OptionText("--waiting") ?? "10,1000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();

await using var smtp = await SmtpTestServer.StartAsync();
Console.WriteLine($"WaitlistOffer: {rounds} settles, {offers} offers to the SMTP server on {smtp.Port}, Notices:Delay={delay}");
foreach (var waiting in counts)
{
    using var directory = new TempDirectory();
    var database = directory.File("waitlist.db");
    using (var quiet = Build(database, timers: false, smtp.Port, delay))
    {
        await JoinAsync(quiet.Services, waiting);
        var settle = new List<double>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            var start = await FreeAsync(quiet.Services, round);
            var started = Stopwatch.GetTimestamp();
            var outcome = await quiet.Services.GetRequiredService<WaitlistOffers>().SettleAsync("dr-wait", start, null, CancellationToken.None);
            settle.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Check(outcome == OfferOutcome.Offered, $"round {round}: {outcome}");
            await DeclineAsync(quiet.Services);
        }

        Console.WriteLine(Line($"{waiting,5} waiting: settle a freed time p50 {P(settle, 50):F2} ms, p99 {P(settle, 99):F2} ms"));
    }

    // A store of its own: the settles above left events in the outbox that a running host would act on first.
    using var running = Build(directory.File("running.db"), timers: true, smtp.Port, delay);
    await JoinAsync(running.Services, waiting);
    await running.StartAsync();
    var latency = new List<double>(offers);
    for (var round = 0; round < offers; round++)
    {
        // Cancels come at any moment of the notice scans' interval, not just after one ended.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * TimeSpan.Parse(delay, CultureInfo.InvariantCulture).TotalMilliseconds / 2));
        var before = smtp.Messages().Count;
        var start = await FreeAsync(running.Services, round);
        var freed = Stopwatch.GetTimestamp();
        var expected = $"on {start.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (UTC) has come free";
        while (!smtp.Messages().Skip(before).Any(m => m.To.ToString() == "w0000@bench.example" && m.TextBody?.Contains(expected, StringComparison.Ordinal) == true))
        {
            if (Stopwatch.GetElapsedTime(freed) > TimeSpan.FromMinutes(1))
            {
                var (mine, _) = await running.Services.GetRequiredService<WaitlistDesk>().ListAsync(new Caller("w0000", Caller.Patient), null, CancellationToken.None);
                Console.WriteLine($"entry 0: {mine!.Single().Status} {mine!.Single().Offer}; messages to it: {smtp.Messages().Count(m => m.To.ToString() == "w0000@bench.example")}; expected '{expected}'");
                Console.WriteLine(smtp.Messages().Last(m => m.To.ToString() == "w0000@bench.example").TextBody);
                Check(false, $"round {round}: no offer within a minute");
            }

            await Task.Delay(2);
        }

        latency.Add(Stopwatch.GetElapsedTime(freed).TotalMilliseconds);
        if (latency[^1] > TimeSpan.Parse(delay, CultureInfo.InvariantCulture).TotalMilliseconds)
        {
            Console.WriteLine(Line($"  round {round}: {latency[^1]:F0} ms"));
        }

        await DeclineAsync(running.Services);
    }

    await running.StopAsync();
    Console.WriteLine(Line($"{waiting,5} waiting: offer at the SMTP server after the cancel p50 {P(latency, 50):F0} ms, p99 {P(latency, 99):F0} ms, max {P(latency, 100):F0} ms"));
}

static IHost Build(string database, bool timers, int smtpPort, string delay)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["UserService:Enabled"] = "false",
        ["SMTP_HOST"] = "127.0.0.1",
        ["SMTP_PORT"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["EMAIL_ADDRESS"] = "clinic@bench.example",
        ["Notices:Delay"] = delay,
        ["Notices:MaxPerRecipientPerDay"] = "1000",
    });
    builder.Logging.ClearProviders();
    builder.Services.AddSingleton<IStateStore>(new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={database}" }));
    builder.AddBookingModule(new BookingSettings());
    builder.AddNotificationsModule(new NotificationsSettings { Timers = timers });
    return builder.Build();
}

// Entry 0 first, then the others: each waits for the doctor over the bench's days.
static async Task JoinAsync(IServiceProvider services, int waiting)
{
    var desk = services.GetRequiredService<WaitlistDesk>();
    var (from, to) = (DateOnly.FromDateTime(FirstDay()), DateOnly.FromDateTime(FirstDay().AddDays(60)));
    for (var i = 0; i < waiting; i++)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"w{i:D4}");
        var (_, error) = await desk.JoinAsync(new Caller(name, Caller.Patient), new WaitlistRequest("dr-wait", from, to) { Email = $"{name}@bench.example" }, CancellationToken.None);
        Check(error is null, $"join {name}: {error?.Message}");
    }
}

// A time of its own each round, booked and cancelled by an admin (no messages for that patient).
static async Task<DateTimeOffset> FreeAsync(IServiceProvider services, int round)
{
    var book = services.GetRequiredService<AppointmentBook>();
    var admin = new Caller("bench-admin", Caller.Admin);
    var start = new DateTimeOffset(FirstDay().AddHours(8 + (round / 20 * 24)).AddMinutes(30 * (round % 20)), TimeSpan.Zero);
    var request = new NewAppointment("dr-wait", start) { Username = "carl", ReminderMethod = "none", DurationMinutes = 30 };
    var (booked, error) = await book.BookAsync(admin, request, null, null, CancellationToken.None);
    Check(booked is not null, $"book {start:o}: {error?.Message}");
    Check(await book.CancelAsync(admin, booked!.Id, null, null, CancellationToken.None) is null, $"cancel {start:o}");
    return start;
}

// Entry 0 turns its offer down: the time goes on to the next one waiting, and entry 0 is first in line again.
static async Task DeclineAsync(IServiceProvider services)
{
    var desk = services.GetRequiredService<WaitlistDesk>();
    var (entries, _) = await desk.ListAsync(new Caller("w0000", Caller.Patient), null, CancellationToken.None);
    var offered = entries!.Single();
    Check(offered.Status == WaitlistStatus.Offered, $"entry 0 is {offered.Status}");
    Check(await desk.DeclineAsync(new Caller("w0000", Caller.Patient), offered.Id, CancellationToken.None) is null, "decline");
}

static DateTime FirstDay() => DateTime.UtcNow.Date.AddDays(2);

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException(what);
    }
}

static double P(List<double> values, int percent)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - (percent == 0 ? 0 : 1))];
}

static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
