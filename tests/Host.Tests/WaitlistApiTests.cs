using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// API.md's waitlist, over HTTP as patients and the front desk use it: time that frees up is offered to the oldest entry
/// that fits, held for that patient (nobody else can book it, slots do not show it), and handed on when they decline or
/// let it expire. Offers are made on the outbox's passes: <see cref="NudgeAsync"/> runs one where the mode needs it.
/// 2031-04-07 is a Monday.
/// </summary>
public abstract class WaitlistApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string Hours = """{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "12:00"}]}}""";
    private const string Day = "2031-04-07";

    /// <summary>Makes the host read its outbox (and end expired holds) once more, where it does not do so by itself often enough.</summary>
    protected abstract Task NudgeAsync();

    [Fact]
    public async Task A_cancelled_time_is_offered_held_from_everyone_else_and_booked_by_accepting()
    {
        var doctor = await DoctorWithSchedule(Hours);
        var (canceller, waiting, other) = (App.NewPatient(out _), App.NewPatient(out var waiter), App.NewPatient(out _));
        var booked = await BookOk(canceller, Booking(doctor, $"{Day} 09:00:00"));
        var entry = await JoinOk(waiting, doctor, waiter);
        (await Entries(waiting)).Single().GetProperty("status").GetString().Should().Be("waiting");

        (await canceller.PostAsync($"/api/appointments/{booked}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var offered = await OfferedAsync(waiting, entry);

        offered.GetProperty("offer").GetProperty("date_time").GetString().Should().Be($"{Day} 09:00:00");
        offered.GetProperty("offer").GetProperty("duration_minutes").GetInt32().Should().Be(30);
        DateTimeOffset.Parse(offered.GetProperty("offer").GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(App.Clock.GetUtcNow().AddMinutes(15), TimeSpan.FromMinutes(1));
        var taken = await ShouldBeProblem(await Book(other, Booking(doctor, $"{Day} 09:00:00")), HttpStatusCode.Conflict);
        taken.GetProperty("code").GetString().Should().Be("slot_held");
        var later = await BookOk(other, Booking(doctor, $"{Day} 10:00:00"));
        var moved = await other.PutAsJsonAsync($"/api/appointments/{later}/reschedule", new { new_date_time = $"{Day} 09:00:00" });
        (await ShouldBeProblem(moved, HttpStatusCode.Conflict)).GetProperty("code").GetString().Should().Be("slot_held", "a move into held time is refused like a booking");
        (await Slots(doctor, Day, Day)).Should().NotContain(s => s.StartsWith($"{Day} 09:00", StringComparison.Ordinal));

        var accepted = await waiting.PostAsync($"/api/waitlist/{entry}/accept", null);
        accepted.StatusCode.Should().Be(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var appointment = (await Json(accepted)).GetProperty("appointment");
        appointment.GetProperty("date_time").GetString().Should().Be($"{Day} 09:00:00");
        appointment.GetProperty("username").GetString().Should().Be(waiter);
        accepted.Headers.Location!.ToString().Should().EndWith($"/api/appointments/{appointment.GetProperty("_id").GetString()}");
        var ended = (await Entries(waiting)).Single();
        ended.GetProperty("status").GetString().Should().Be("booked");
        ended.GetProperty("appointment_id").GetString().Should().Be(appointment.GetProperty("_id").GetString());
        (await Slots(doctor, Day, Day)).Should().NotContain(s => s.StartsWith($"{Day} 09:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_offer_nobody_answers_expires_goes_to_the_next_one_waiting_and_then_the_time_is_free()
    {
        var doctor = await DoctorWithSchedule(Hours);
        var canceller = App.NewPatient(out _);
        var booked = await BookOk(canceller, Booking(doctor, $"{Day} 10:00:00"));
        var (first, second) = (App.NewPatient(out var firstName), App.NewPatient(out var secondName));
        var (firstEntry, secondEntry) = (await JoinOk(first, doctor, firstName), await JoinOk(second, doctor, secondName));

        (await canceller.PostAsync($"/api/appointments/{booked}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        await OfferedAsync(first, firstEntry);
        (await Entries(second)).Single().GetProperty("status").GetString().Should().Be("waiting", "first come, first served");

        // Tokens live 15 minutes: after the clock moves on, each patient signs in again.
        App.Clock.Advance(TimeSpan.FromMinutes(16));
        (first, second) = (App.Client(App.Token(firstName)), App.Client(App.Token(secondName)));
        await OfferedAsync(second, secondEntry);
        (await Entries(first)).Single().GetProperty("status").GetString().Should().Be("expired");
        var late = await ShouldBeProblem(await first.PostAsync($"/api/waitlist/{firstEntry}/accept", null), HttpStatusCode.Conflict);
        late.GetProperty("code").GetString().Should().Be("offer_expired");

        App.Clock.Advance(TimeSpan.FromMinutes(16));
        second = App.Client(App.Token(secondName));
        await Eventually.TrueAsync(async () =>
        {
            await NudgeAsync();
            return (await Slots(doctor, Day, Day)).Any(s => s.StartsWith($"{Day} 10:00", StringComparison.Ordinal));
        }, "with nobody left waiting, the time is free again");
        (await Entries(second)).Single().GetProperty("status").GetString().Should().Be("expired");
    }

    [Fact]
    public async Task A_declined_offer_goes_to_the_next_one_and_the_decliner_waits_on_for_other_times()
    {
        var doctor = await DoctorWithSchedule(Hours);
        var canceller = App.NewPatient(out _);
        var booked = await BookOk(canceller, Booking(doctor, $"{Day} 11:00:00"));
        var (first, second) = (App.NewPatient(out var firstName), App.NewPatient(out var secondName));
        var (firstEntry, secondEntry) = (await JoinOk(first, doctor, firstName), await JoinOk(second, doctor, secondName));
        (await canceller.DeleteAsync($"/api/appointments/{booked}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await OfferedAsync(first, firstEntry);

        var declined = await first.PostAsync($"/api/waitlist/{firstEntry}/decline", null);

        declined.StatusCode.Should().Be(HttpStatusCode.OK, await declined.Content.ReadAsStringAsync());
        (await Json(declined)).GetProperty("message").GetString().Should().Be("Offer declined");
        var handedOn = (await Entries(second)).Single();
        handedOn.GetProperty("status").GetString().Should().Be("offered", "a decline hands the time on at once");
        handedOn.GetProperty("offer").GetProperty("date_time").GetString().Should().Be($"{Day} 11:00:00");
        (await Entries(first)).Single().GetProperty("status").GetString().Should().Be("waiting");
        (await ShouldBeProblem(await first.PostAsync($"/api/waitlist/{firstEntry}/decline", null), HttpStatusCode.Conflict))
            .GetProperty("code").GetString().Should().Be("offer_expired");
        _ = secondEntry;
    }

    [Fact]
    public async Task Leaving_ends_the_entry_and_the_front_desk_sees_who_waits_oldest_first()
    {
        var doctor = await DoctorWithSchedule(Hours);
        var (first, second) = (App.NewPatient(out var firstName), App.NewPatient(out var secondName));
        var (firstEntry, secondEntry) = (await JoinOk(first, doctor, firstName), await JoinOk(second, doctor, secondName));

        var desk = await Admin().GetAsync($"/api/waitlist?doctor={doctor}");
        (await Json(desk)).EnumerateArray().Select(e => e.GetProperty("_id").GetString()).Should().Equal(firstEntry, secondEntry);
        var left = await first.DeleteAsync($"/api/waitlist/{firstEntry}");
        (await Json(left)).GetProperty("message").GetString().Should().Be("Removed from waitlist");

        (await Entries(first)).Single().GetProperty("status").GetString().Should().Be("removed");
        (await Json(await Doctor(doctor).GetAsync($"/api/waitlist?doctor={doctor}"))).EnumerateArray().Select(e => e.GetProperty("_id").GetString()).Should().Equal(secondEntry);
        (await ShouldBeProblem(await second.GetAsync($"/api/waitlist?doctor={doctor}"), HttpStatusCode.Forbidden)).GetProperty("code").GetString().Should().Be("forbidden");
        (await second.DeleteAsync($"/api/waitlist/{firstEntry}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "another patient's entry is not theirs to see");
    }

    [Fact]
    public async Task A_patient_waits_for_at_most_five_times_at_once()
    {
        var doctor = await DoctorWithSchedule(Hours);
        var patient = App.NewPatient(out var name);
        for (var i = 0; i < 5; i++)
        {
            await JoinOk(patient, doctor, name);
        }

        var refused = await ShouldBeProblem(await Join(patient, doctor, name), HttpStatusCode.Conflict);

        refused.GetProperty("code").GetString().Should().Be("too_many_active");
        (await Entries(patient)).Should().HaveCount(5);
    }

    [Theory]
    [InlineData("""{"from": "2031-04-07", "to": "2031-04-07"}""", "doctor")]
    [InlineData("""{"doctor": "DOCTOR", "from": "2031-04-7", "to": "2031-04-07"}""", "from")]
    [InlineData("""{"doctor": "DOCTOR", "from": "2031-04-08", "to": "2031-04-07"}""", "to")]
    [InlineData("""{"doctor": "DOCTOR", "from": "2031-02-01", "to": "2031-02-20"}""", "to")]
    [InlineData("""{"doctor": "DOCTOR", "from": "2031-04-07", "to": "2031-04-07", "visit_type": "x-ray"}""", "visit_type")]
    [InlineData("""{"doctor": "DOCTOR", "from": "2031-04-07", "to": "2031-04-07", "reminder_method": "sms"}""", "phone")]
    public async Task A_bad_request_to_join_is_refused_by_field(string body, string field)
    {
        var doctor = await DoctorWithSchedule(Hours);
        var patient = App.NewPatient(out _);

        var response = await patient.PostAsync("/api/waitlist", new StringContent(body.Replace("DOCTOR", doctor, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        (await Entries(patient)).Should().BeEmpty();
    }

    private static Task<HttpResponseMessage> Join(HttpClient client, string doctor, string username) =>
        client.PostAsJsonAsync("/api/waitlist", new Dictionary<string, object?> { ["doctor"] = doctor, ["from"] = Day, ["to"] = Day, ["email"] = $"{username}@example.com" });

    private static async Task<string> JoinOk(HttpClient client, string doctor, string username)
    {
        var response = await Join(client, doctor, username);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await Json(response);
        body.GetProperty("message").GetString().Should().Be("Added to waitlist");
        return body.GetProperty("_id").GetString()!;
    }

    private static async Task<List<JsonElement>> Entries(HttpClient client)
    {
        var response = await client.GetAsync("/api/waitlist");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await Json(response)).EnumerateArray().ToList();
    }

    private async Task<JsonElement> OfferedAsync(HttpClient client, string entry)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            await NudgeAsync();
            found = (await Entries(client)).Single(e => e.GetProperty("_id").GetString() == entry);
            return found.GetProperty("status").GetString() == "offered";
        }, $"entry {entry} is offered the freed time");
        return found;
    }
}

/// <summary>Embedded mode with notices scanned every tenth of a second, so offers come without waiting for the default delay.</summary>
public sealed class QuickNoticesApp : EmbeddedApp
{
    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Notices:Delay"] = "00:00:00.2";
    }
}

public sealed class EmbeddedWaitlistApiTests(QuickNoticesApp app) : WaitlistApiTests<QuickNoticesApp>(app)
{
    protected override Task NudgeAsync() => Task.CompletedTask;
}

public sealed class DaprWaitlistApiTests(DaprApp app) : WaitlistApiTests<DaprApp>(app)
{
    /// <summary>Dapr's <c>notice-cron</c> binding, as daprd calls it.</summary>
    protected override async Task NudgeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/notice-cron");
        request.Headers.Add("dapr-api-token", DaprApp.AppToken);
        using var response = await App.Client().SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
