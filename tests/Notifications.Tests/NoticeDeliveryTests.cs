using System.Globalization;
using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Notices;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.TestSupport;
using Appointments.Tests.DaprSidecar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Appointments.Notifications.Tests;

/// <summary>
/// Notices end to end through Booking's outbox: each kind by email (a real SMTP server, invite included) and by
/// SMS (Twilio's REST API over HTTP), through Dapr's bindings, and exactly once across racing scanners, hosts
/// and crashes.
/// </summary>
public sealed class NoticeDeliveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    private string Database => _directory.File("clinic.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Each_change_is_one_email_through_a_real_smtp_server_whose_invite_updates_one_calendar_event()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?>
        {
            ["EMAIL_ADDRESS"] = "clinic@example.com",
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        });
        var alice = new Caller("alice", Caller.Patient);
        var start = ClinicHost.Start.AddDays(3);

        var id = await clinic.BookAsync("alice", start);
        await clinic.Notices.RunAsync(CancellationToken.None);
        (await clinic.Book.RescheduleAsync(alice, id, start.AddHours(2), null, CancellationToken.None)).Should().BeNull();
        await clinic.Notices.RunAsync(CancellationToken.None);
        (await clinic.Book.CancelAsync(alice, id, "Feeling better", null, CancellationToken.None)).Should().BeNull();
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Notices.RunAsync(CancellationToken.None);

        var messages = smtp.Messages();
        messages.Select(m => m.Subject).Should().Equal("Appointment Confirmation", "Appointment Rescheduled", "Appointment Cancelled");
        messages.Should().OnlyContain(m => m.To.Mailboxes.Single().Address == "alice@example.com" && m.From.Mailboxes.Single().Address == "clinic@example.com");
        messages[1].TextBody.Should().Be("Your appointment with dr-house has moved to 2031-03-04 11:00 (Europe/Berlin).");
        messages[2].TextBody.Should().EndWith("Reason: Feeling better");
        var invites = messages.Select(Invite).ToList();
        invites.Select(i => i.Method).Should().Equal("REQUEST", "REQUEST", "CANCEL");
        invites.Select(i => i.Events.Single().Uid).Distinct().Should().Equal($"{id}@appointments");
        invites.Select(i => i.Events.Single().Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        invites[1].Events.Single().DtStart!.TzId.Should().Be("Europe/Berlin");
        invites[1].Events.Single().DtStart!.Value.Should().Be(new DateTime(2031, 3, 4, 11, 0, 0));
        (await clinic.PendingEventsAsync()).Should().BeEmpty("every notice left the outbox once sent");
        var (_, deliveries, _) = await clinic.Book.ReadAsync(alice, id, CancellationToken.None);
        deliveries.Notices.Select(n => (n.Kind, n.Status)).Should().Equal(("confirmation", "sent"), ("rescheduled", "sent"), ("cancelled", "sent"));
    }

    [Fact]
    public async Task Each_change_is_one_sms_through_twilios_rest_api()
    {
        await using var twilio = await TwilioStub.StartAsync();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?>
        {
            ["TWILIO_ACCOUNT_SID"] = "AC123",
            ["TWILIO_AUTH_TOKEN"] = "token",
            ["TWILIO_PHONE_NUMBER"] = "+15555550999",
            ["TWILIO_API_URL"] = twilio.Url.ToString(),
        });
        var bob = new Caller("bob", Caller.Patient);

        var id = await clinic.BookAsync("bob", ClinicHost.Start.AddDays(3), method: "sms");
        (await clinic.Book.CancelAsync(bob, id, null, null, CancellationToken.None)).Should().BeNull();
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Notices.RunAsync(CancellationToken.None);

        var bodies = twilio.Requests.Select(r => r.Form["Body"]).ToList();
        bodies.Should().Equal(
            "Your clinic: Your appointment with dr-house on 2031-03-04 09:00 (Europe/Berlin) is confirmed.",
            "Your clinic: Your appointment with dr-house on 2031-03-04 09:00 (Europe/Berlin) is cancelled.");
        twilio.Requests.Should().OnlyContain(r => r.Form["To"] == "+15555550100");
        bodies.Should().OnlyContain(b => SmsText.IsOneSegment(b));
    }

    [Fact]
    public async Task Under_Dapr_each_change_goes_through_the_state_store_and_the_email_and_sms_bindings()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync();
        var dapr = sidecar.CreateDaprClient();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?> { ["EMAIL_ADDRESS"] = "clinic@example.com" },
            new NotificationsSettings { DaprBindings = true, Timers = false },
            services => services.AddSingleton(dapr).AddSingleton<IStateStore>(new DaprStateStore(dapr)));

        var byEmail = await clinic.BookAsync("carol", ClinicHost.Start.AddDays(3));
        await clinic.BookAsync("dave", ClinicHost.Start.AddDays(4), method: "sms");
        (await clinic.Book.RescheduleAsync(new Caller("carol", Caller.Patient), byEmail, ClinicHost.Start.AddDays(5), null, CancellationToken.None)).Should().BeNull();
        await clinic.Notices.RunAsync(CancellationToken.None);

        var emails = sidecar.BindingCalls.Where(c => c.Name == "email").ToList();
        emails.Select(c => c.Metadata["subject"]).Should().BeEquivalentTo("Appointment Confirmation", "Appointment Rescheduled");
        emails.Should().OnlyContain(c => c.Metadata["emailTo"] == "carol@example.com" && c.Metadata["emailFrom"] == "clinic@example.com");
        sidecar.BindingCalls.Where(c => c.Name == "sms").Should().ContainSingle()
            .Which.Metadata["toNumber"].Should().Be("+15555550100");
        sidecar.StoredStateKeys.Should().Contain(k => k.EndsWith("|deliveries", StringComparison.Ordinal), "what went out is kept in the Dapr state store")
            .And.NotContain(k => k.Contains("||outbox|", StringComparison.Ordinal), "a sent notice's outbox event is gone");
    }

    [Fact]
    public async Task Eight_racing_scanners_send_each_notice_once()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, Database, email: email);
        for (var i = 0; i < 30; i++)
        {
            await clinic.BookAsync($"patient-{i}", ClinicHost.Start.AddDays(2).AddHours(i));
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => clinic.Notices.RunAsync(CancellationToken.None))));
        await clinic.Notices.RunAsync(CancellationToken.None);

        email.Sent.Should().HaveCount(30);
        email.Sent.Select(m => m.To).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Two_hosts_on_one_store_send_each_notice_once()
    {
        var (first, second) = (new ScriptedChannel(), new ScriptedChannel());
        using var one = new ClinicHost(_clock, Database, email: first);
        using var two = new ClinicHost(_clock, Database, email: second);
        for (var i = 0; i < 30; i++)
        {
            await (i % 2 == 0 ? one : two).BookAsync($"patient-{i}", ClinicHost.Start.AddDays(2).AddHours(i));
        }

        await Task.WhenAll(
            Task.Run(() => one.Notices.RunAsync(CancellationToken.None)),
            Task.Run(() => two.Notices.RunAsync(CancellationToken.None)),
            Task.Run(() => one.Notices.RunAsync(CancellationToken.None)),
            Task.Run(() => two.Notices.RunAsync(CancellationToken.None)));

        first.Sent.Concat(second.Sent).Select(m => m.To).Should().HaveCount(30).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_crash_between_the_change_and_the_send_delays_the_notice_until_the_next_host_scans_then_it_goes_once()
    {
        using (var crashed = new ClinicHost(_clock, Database, email: new ScriptedChannel()))
        {
            await crashed.BookAsync("erin", ClinicHost.Start.AddDays(3));
        }

        var email = new ScriptedChannel();
        using var restarted = new ClinicHost(_clock, Database, email: email);
        await restarted.Notices.RunAsync(CancellationToken.None);
        await restarted.Notices.RunAsync(CancellationToken.None);

        email.Sent.Should().ContainSingle().Which.Subject.Should().Be("Appointment Confirmation");
    }

    [Fact]
    public async Task A_crash_between_claim_and_record_is_taken_over_after_the_lease_and_sent_once_more_at_most()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, Database, email: email);
        await clinic.BookAsync("frank", ClinicHost.Start.AddDays(3));
        email.FailNext(new InvalidOperationException("crash"));

        await clinic.Notices.RunAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(9));
        await clinic.Notices.RunAsync(CancellationToken.None);
        var withinLease = email.Sent.Count;
        _clock.Advance(TimeSpan.FromMinutes(2));
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Notices.RunAsync(CancellationToken.None);

        withinLease.Should().Be(0, "the claim is someone's until its lease ends");
        email.Sent.Should().ContainSingle();
        clinic.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.Contains("taken over"));
        (await clinic.PendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_transient_failure_is_retried_with_growing_delays_and_then_given_up()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?> { ["Notices:MaxAttempts"] = "3" }, email: email);
        var id = await clinic.BookAsync("gina", ClinicHost.Start.AddDays(3));
        email.FailNext(ScriptedChannel.Transient(), ScriptedChannel.Transient(), ScriptedChannel.Transient());

        var attempts = new List<int>();
        foreach (var wait in new[] { 0, 20, 20, 40, 40, 120 })
        {
            _clock.Advance(TimeSpan.FromSeconds(wait));
            await clinic.Notices.RunAsync(CancellationToken.None);
            attempts.Add(email.Attempts);
        }

        attempts.Should().Equal([1, 1, 2, 2, 3, 3], "30 s after the first failure, then 60 s after the second; three attempts in all");
        email.Sent.Should().BeEmpty();
        (await clinic.PendingEventsAsync()).Should().BeEmpty("a notice given up on leaves the outbox");
        var (_, deliveries, _) = await clinic.Book.ReadAsync(new Caller("gina", Caller.Patient), id, CancellationToken.None);
        deliveries.Notices.Single().Status.Should().Be("failed");
    }

    [Fact]
    public async Task No_notice_for_a_patient_who_wants_none_for_a_refused_request_or_when_notices_are_off()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, Database, email: email);
        await clinic.BookAsync("quiet", ClinicHost.Start.AddDays(3), method: "none");
        var taken = await clinic.Book.BookAsync(new Caller("late", Caller.Patient),
            new NewAppointment("dr-house", ClinicHost.Start.AddDays(3)) { Email = "late@example.com" }, null, null, CancellationToken.None);
        await clinic.Notices.RunAsync(CancellationToken.None);

        var offEmail = new ScriptedChannel();
        using var off = new ClinicHost(_clock, _directory.File("off.db"), new Dictionary<string, string?> { ["Notices:Enabled"] = "false" }, email: offEmail);
        await off.BookAsync("henry", ClinicHost.Start.AddDays(3));
        await off.Notices.RunAsync(CancellationToken.None);

        taken.Error.Should().Be(BookingError.TimeTaken);
        email.Sent.Should().BeEmpty();
        offEmail.Sent.Should().BeEmpty();
        (await off.PendingEventsAsync()).Should().BeEmpty("with notices off the scan still reads the outbox, for reminders");
    }

    [Fact]
    public async Task A_backlog_goes_out_oldest_first_one_batch_at_a_time()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?> { ["Notices:BatchSize"] = "2" }, email: email);
        var patients = new[] { "ann", "ben", "cat", "dan", "eve" };
        foreach (var (patient, i) in patients.Select((p, i) => (p, i)))
        {
            await clinic.BookAsync(patient, ClinicHost.Start.AddDays(3).AddHours(i), doctor: $"dr-{patient}");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        await clinic.Notices.RunAsync(CancellationToken.None);

        var sent = email.Sent.Select(m => m.To[..m.To.IndexOf('@', StringComparison.Ordinal)]).ToList();
        sent.Chunk(2).Select(batch => batch.Order(StringComparer.Ordinal).ToArray())
            .Should().BeEquivalentTo(new[] { new[] { "ann", "ben" }, ["cat", "dan"], ["eve"] }, o => o.WithStrictOrdering(), "the oldest owed go first, a batch at a time");
        (await clinic.PendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Different_appointments_notices_go_out_a_few_at_a_time_and_one_appointments_in_order()
    {
        var email = new OverlapChannel();
        using var clinic = new ClinicHost(_clock, Database, new Dictionary<string, string?> { ["Notices:SendConcurrency"] = "3" }, email: email);
        var alice = new Caller("alice", Caller.Patient);
        var id = await clinic.BookAsync("alice", ClinicHost.Start.AddDays(3));
        (await clinic.Book.RescheduleAsync(alice, id, ClinicHost.Start.AddDays(4), null, CancellationToken.None)).Should().BeNull();
        (await clinic.Book.CancelAsync(alice, id, null, null, CancellationToken.None)).Should().BeNull();
        foreach (var patient in new[] { "ben", "cat", "dan", "eve", "fay" })
        {
            await clinic.BookAsync(patient, ClinicHost.Start.AddDays(3), doctor: $"dr-{patient}");
        }

        await clinic.Notices.RunAsync(CancellationToken.None);

        email.Sent.Should().HaveCount(8);
        email.MostAtOnce.Should().Be(3, "three appointments' notices were with the provider at once, never more");
        email.Sent.Where(m => m.To == "alice@example.com").Select(m => m.Subject)
            .Should().Equal("Appointment Confirmation", "Appointment Rescheduled", "Appointment Cancelled");
    }

    /// <summary>Takes a while over each send, and counts how many were in progress at once.</summary>
    private sealed class OverlapChannel : IMessageChannel
    {
        private int _inFlight;
        private int _most;

        public System.Collections.Concurrent.ConcurrentQueue<OutgoingMessage> Sent { get; } = new();

        public int MostAtOnce => Volatile.Read(ref _most);

        public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var most = Volatile.Read(ref _most); now > most; most = Volatile.Read(ref _most))
            {
                Interlocked.CompareExchange(ref _most, now, most);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            Sent.Enqueue(message);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static Ical.Net.Calendar Invite(MimeMessage message)
    {
        var part = message.BodyParts.OfType<TextPart>().Single(p => p.ContentType.MimeType == "text/calendar");
        var calendar = Ical.Net.Calendar.Load(part.Text)!;
        part.ContentType.Parameters["method"].Should().Be(calendar.Method);
        return calendar;
    }
}
