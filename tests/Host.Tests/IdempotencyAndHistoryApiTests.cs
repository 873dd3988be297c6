using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Idempotent create" and "History".</summary>
public abstract class IdempotencyAndHistoryApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task The_same_key_and_body_again_answers_the_first_booking_and_stores_nothing_new()
    {
        var patient = App.NewPatient(out _);
        var body = Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3)));

        var first = await BookWithKey(patient, "retry-1", body);
        var again = await BookWithKey(patient, "retry-1", body);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await Json(again)).GetProperty("_id").GetString().Should().Be((await Json(first)).GetProperty("_id").GetString());
        again.Headers.Location.Should().Be(first.Headers.Location);
        again.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        (await List(patient)).Should().HaveCount(1);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_stores_nothing()
    {
        var patient = App.NewPatient(out _);
        await BookWithKey(patient, "retry-2", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        var other = await BookWithKey(patient, "retry-2", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(4))));

        await ShouldBeProblem(other, (HttpStatusCode)422, "Idempotency key reused with a different request");
        (await List(patient)).Should().HaveCount(1);
    }

    [Fact]
    public async Task Keys_belong_to_their_caller()
    {
        var (alice, bob) = (App.NewPatient(out _), App.NewPatient(out _));
        await BookWithKey(alice, "shared-key", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        var bobs = await BookWithKey(bob, "shared-key", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(5))));

        bobs.StatusCode.Should().Be(HttpStatusCode.Created);
        bobs.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [Fact]
    public async Task A_replay_answers_the_first_booking_even_once_its_time_would_no_longer_be_accepted()
    {
        var patient = App.NewPatient(out var name);
        var body = Booking(NewDoctor(), FromNow(TimeSpan.FromHours(2)));
        var first = await BookWithKey(patient, "late-retry", body);
        App.Clock.Advance(TimeSpan.FromMinutes(90));

        var again = await BookWithKey(App.Client(App.Token(name)), "late-retry", body);

        again.StatusCode.Should().Be(HttpStatusCode.Created, "the booking exists; only its answer was lost");
        (await Json(again)).GetProperty("_id").GetString().Should().Be((await Json(first)).GetProperty("_id").GetString());
    }

    [Fact]
    public async Task A_key_is_forgotten_after_24_hours()
    {
        var patient = App.NewPatient(out var name);
        await BookWithKey(patient, "daily", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));
        App.Clock.Advance(TimeSpan.FromHours(25));

        var later = await BookWithKey(App.Client(App.Token(name)), "daily", Booking(NewDoctor(), FromNow(TimeSpan.FromDays(4))));

        later.StatusCode.Should().Be(HttpStatusCode.Created);
        later.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [Fact]
    public async Task Ten_concurrent_requests_with_one_key_create_one_appointment_and_each_answer_is_its_201()
    {
        var patient = App.NewPatient(out _);
        var body = Booking(NewDoctor(), FromNow(TimeSpan.FromDays(6)));
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var replayed = 0;

        var results = await Race(10, async _ =>
        {
            var response = await BookWithKey(patient, "racing-key", body);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                ids.Add((await Json(response)).GetProperty("_id").GetString()!);
                if (response.Headers.Contains("Idempotent-Replayed"))
                {
                    Interlocked.Increment(ref replayed);
                }
            }

            return response;
        });

        // A retry that overlaps the request it repeats (a client's timeout) gets that booking, not a 409 on its own time.
        results.Should().OnlyContain(s => s == HttpStatusCode.Created);
        replayed.Should().Be(9);
        ids.Distinct().Should().ContainSingle();
        (await List(patient)).Should().ContainSingle().Which.GetProperty("_id").GetString().Should().Be(ids.First());
    }

    [Theory]
    [InlineData("naïve-key")]
    [InlineData("tab\there")]
    public async Task A_key_that_is_not_1_to_255_printable_ascii_characters_is_400(string key)
    {
        var patient = App.NewPatient(out _);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = JsonContent.Create(Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3)))) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await patient.SendAsync(request);

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request");
        (await List(patient)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_key_of_256_characters_is_400()
    {
        var response = await BookWithKey(App.NewPatient(out _), new string('k', 256), Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task History_records_every_change_with_who_did_it_oldest_first_and_hides_contact_values()
    {
        var patient = App.NewPatient(out var patientName);
        var doctorName = NewDoctor();
        var id = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromHours(30))));
        var start = (await Get(patient, id)).GetProperty("date_time").GetString();
        var moved = FromNow(TimeSpan.FromHours(26));
        (await patient.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = moved, phone = "+15555550777" })).EnsureSuccessStatusCode();
        (await patient.PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = "Away" })).EnsureSuccessStatusCode();
        (await patient.PutAsJsonAsync($"/api/appointments/{id}", new { status = "scheduled" })).EnsureSuccessStatusCode();
        App.Clock.Advance(TimeSpan.FromHours(27));
        (await Doctor(doctorName).PutAsJsonAsync($"/api/appointments/{id}", new { status = "completed" })).EnsureSuccessStatusCode();

        var history = await HistoryOf(App.Client(App.Token(patientName)), id);

        history.Select(h => h.GetProperty("action").GetString()).Should().Equal("create", "change", "cancel", "uncancel", "outcome");
        history.Select(h => h.GetProperty("role").GetString()).Should().Equal("patient", "patient", "patient", "patient", "doctor");
        history[4].GetProperty("actor").GetString().Should().Be(doctorName);
        history[0].GetProperty("changes").GetProperty("doctor")[1].GetString().Should().Be(doctorName);
        history[0].GetProperty("changes").GetProperty("email").GetString().Should().Be("changed");
        history[1].GetProperty("changes").GetProperty("date_time").EnumerateArray().Select(v => v.GetString()).Should().Equal(start, moved);
        history[1].GetProperty("changes").GetProperty("phone").GetString().Should().Be("changed");
        history[1].GetProperty("changes").GetProperty("status").EnumerateArray().Select(v => v.GetString()).Should().Equal("scheduled", "rescheduled");
        history[2].GetProperty("changes").GetProperty("cancellation_reason")[1].GetString().Should().Be("Away");
        history[4].GetProperty("changes").GetProperty("status")[1].GetString().Should().Be("completed");
        history.Select(h => h.GetProperty("at").GetDateTimeOffset()).Should().BeInAscendingOrder();
        history.ToString().Should().NotContain("+15555550777").And.NotContain("patient@example.com");
        JsonSerializer.Serialize(history).Should().NotContain("+15555550777").And.NotContain("patient@example.com");
    }

    [Fact]
    public async Task Whoever_may_read_an_appointment_may_read_its_history_and_a_deleted_ones_is_for_admins()
    {
        var patient = App.NewPatient(out _);
        var doctorName = NewDoctor();
        var id = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromDays(3))));

        (await HistoryOf(Doctor(doctorName), id)).Should().HaveCount(1);
        await ShouldBeProblem(await App.NewPatient(out _).GetAsync($"/api/appointments/{id}/history"), HttpStatusCode.NotFound, "Appointment not found");
        await ShouldBeProblem(await Doctor(NewDoctor()).GetAsync($"/api/appointments/{id}/history"), HttpStatusCode.NotFound);
        (await patient.DeleteAsync($"/api/appointments/{id}")).EnsureSuccessStatusCode();

        await ShouldBeProblem(await patient.GetAsync($"/api/appointments/{id}/history"), HttpStatusCode.NotFound);
        (await HistoryOf(Admin(), id)).Select(h => h.GetProperty("action").GetString()).Should().Equal("create", "delete");
    }

    private static Task<HttpResponseMessage> BookWithKey(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<List<JsonElement>> HistoryOf(HttpClient client, string id)
    {
        var response = await client.GetAsync($"/api/appointments/{id}/history");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await Json(response)).EnumerateArray().ToList();
    }
}

public sealed class EmbeddedIdempotencyAndHistoryApiTests(EmbeddedApp app) : IdempotencyAndHistoryApiTests<EmbeddedApp>(app);

public sealed class DaprIdempotencyAndHistoryApiTests(DaprApp app) : IdempotencyAndHistoryApiTests<DaprApp>(app);
