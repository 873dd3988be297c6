using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appointments.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Appointments.Host.Tests;

/// <summary>
/// Beside the original user service, as a clinic runs it: roles and contacts live in its store, its tokens carry
/// none, and every caller here logs in there (POST /api/auth/login) for a role-less token.
/// </summary>
public abstract class UserServiceRolesTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string EveryDay = """
        {"slot_minutes": 30, "weekly": {"monday": [{"start": "00:00", "end": "24:00"}], "tuesday": [{"start": "00:00", "end": "24:00"}],
         "wednesday": [{"start": "00:00", "end": "24:00"}], "thursday": [{"start": "00:00", "end": "24:00"}], "friday": [{"start": "00:00", "end": "24:00"}],
         "saturday": [{"start": "00:00", "end": "24:00"}], "sunday": [{"start": "00:00", "end": "24:00"}]}}
        """;

    [Fact]
    public async Task A_doctor_runs_their_day_with_a_token_from_the_user_service()
    {
        var (doctorName, patientName) = (NewDoctor(), Unique("pat"));
        App.Users.Add(doctorName, "doctor");
        App.Users.Add(patientName, "patient", email: "pat@example.com", phone: "+15555550100");
        var doctor = await LogIn(doctorName);
        var patient = await LogIn(patientName);

        await PutScheduleOk(doctor, doctorName, EveryDay);
        var kept = await BookOk(patient, new { doctor = doctorName, date_time = FromNow(TimeSpan.FromHours(2)) });
        var cancelled = await BookOk(patient, new { doctor = doctorName, date_time = FromNow(TimeSpan.FromHours(5)) });
        var agenda = await doctor.GetAsync($"/api/doctors/{doctorName}/appointments?date={FromNow(TimeSpan.FromHours(2))[..10]}");
        var cancel = await doctor.PostAsJsonAsync($"/api/appointments/{cancelled}/cancel", new { reason = "The doctor is ill" });

        agenda.StatusCode.Should().Be(HttpStatusCode.OK, await agenda.Content.ReadAsStringAsync());
        (await Json(agenda)).EnumerateArray().Select(a => a.GetProperty("_id").GetString()).Should().Contain(kept);
        cancel.StatusCode.Should().Be(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        var document = await Get(patient, cancelled);
        document.GetProperty("cancellation").GetProperty("role").GetString().Should().Be("doctor");
        document.GetProperty("email").GetString().Should().Be("pat@example.com", "a booking without an email takes the profile's");
        document.GetProperty("phone").GetString().Should().Be("+15555550100");

        App.Clock.Advance(TimeSpan.FromHours(3));
        var outcome = await (await LogIn(doctorName)).PutAsJsonAsync($"/api/appointments/{kept}", new { status = "completed" });

        outcome.StatusCode.Should().Be(HttpStatusCode.OK, await outcome.Content.ReadAsStringAsync());
        (await Get(await LogIn(patientName), kept)).GetProperty("status").GetString().Should().Be("completed");
    }

    [Fact]
    public async Task An_admin_runs_the_front_desk_with_a_token_from_the_user_service()
    {
        var (adminName, patientName, doctorName) = (Unique("desk"), Unique("pat"), NewDoctor());
        App.Users.Add(adminName, "admin");
        App.Users.Add(patientName, email: "walk-in@example.com");
        var admin = await LogIn(adminName);
        var patient = await LogIn(patientName);

        await PutScheduleOk(admin, doctorName, EveryDay);
        var booked = await BookOk(admin, new { doctor = doctorName, date_time = FromNow(TimeSpan.FromMinutes(30)), username = patientName, email = "walk-in@example.com" });
        var theirs = await BookOk(patient, new { doctor = doctorName, date_time = FromNow(TimeSpan.FromHours(4)) });
        var read = await admin.GetAsync($"/api/appointments/{theirs}");
        var agenda = await admin.GetAsync($"/api/doctors/{doctorName}/appointments?date={FromNow(TimeSpan.FromHours(4))[..10]}");
        var cancel = await admin.PostAsJsonAsync($"/api/appointments/{theirs}/cancel", new { reason = "Clinic closed" });

        read.StatusCode.Should().Be(HttpStatusCode.OK, "an admin reads any appointment");
        agenda.StatusCode.Should().Be(HttpStatusCode.OK);
        cancel.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Get(patient, theirs)).GetProperty("cancellation").GetProperty("role").GetString().Should().Be("admin");

        App.Clock.Advance(TimeSpan.FromHours(1));
        var outcome = await (await LogIn(adminName)).PutAsJsonAsync($"/api/appointments/{booked}", new { status = "no_show" });

        outcome.StatusCode.Should().Be(HttpStatusCode.OK, await outcome.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_role_claim_in_a_token_is_ignored_the_user_services_word_counts()
    {
        var owner = App.NewPatient(out _);
        var id = await BookOk(owner, Booking(NewDoctor()));
        var name = Unique("mallory");
        App.Users.Add(name, "patient");
        var selfPromoted = App.Client(FlaskTokens.Access(name, role: "admin", now: App.Clock.GetUtcNow()));

        await ShouldBeProblem(await selfPromoted.GetAsync($"/api/appointments/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_demotion_takes_effect_within_the_profile_cache_time()
    {
        var owner = App.NewPatient(out _);
        var id = await BookOk(owner, Booking(NewDoctor()));
        var name = Unique("former-admin");
        App.Users.Add(name, "admin");
        var admin = await LogIn(name);
        (await admin.GetAsync($"/api/appointments/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        App.Users.Add(name, "patient");
        App.Clock.Advance(TimeSpan.FromSeconds(61));

        await ShouldBeProblem(await admin.GetAsync($"/api/appointments/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_user_removed_from_the_user_service_is_401_once_the_cache_time_has_passed()
    {
        var client = App.NewPatient(out var name);
        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);

        App.Users.Users.TryRemove(name, out _);
        App.Clock.Advance(TimeSpan.FromSeconds(61));

        await ShouldBeProblem(await client.GetAsync("/api/appointments"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_asks_the_user_service_once_per_cache_time_and_its_own_booking_asks_nothing_more()
    {
        var name = Unique("counted");
        App.Users.Add(name, email: "counted@example.com");
        var client = await LogIn(name);
        var (profiles, users) = (App.Users.ProfileCalls, App.Users.UserCalls);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/api/appointments")));
        await BookOk(client, Booking(NewDoctor()));
        await BookOk(client, Booking(NewDoctor(), "2031-03-11 10:00:00"));

        (App.Users.ProfileCalls - profiles).Should().Be(1);
        (App.Users.UserCalls - users).Should().Be(0, "the profile already proved the caller exists");
    }

    [Fact]
    public async Task A_user_service_that_does_not_answer_is_503_not_401()
    {
        var client = App.NewPatient(out _);
        App.Users.FailWith = 503;
        try
        {
            var api = await client.GetAsync("/api/appointments");
            var fhir = await client.GetAsync("/fhir/Appointment?date=ge2031-03-01");

            await ShouldBeProblem(api, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
            api.Headers.RetryAfter.Should().NotBeNull();
            fhir.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            fhir.Content.Headers.ContentType!.MediaType.Should().Be("application/fhir+json");
        }
        finally
        {
            App.Users.FailWith = null;
        }

        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK, "an outage is not remembered");
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>Logs in at the user service, as a clinic's client does, and checks its token carries no role.</summary>
    private async Task<HttpClient> LogIn(string username)
    {
        using var http = new HttpClient { BaseAddress = App.Users.Url };
        var response = await http.PostAsJsonAsync("/api/auth/login", new { username, password = UserServiceStub.PasswordOf(username) });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        new JsonWebToken(token).TryGetPayloadValue<string>("role", out _).Should().BeFalse("the user service keeps roles out of its tokens");
        return App.Client(token);
    }
}

public sealed class EmbeddedUserServiceRolesTests(EmbeddedApp app) : UserServiceRolesTests<EmbeddedApp>(app);

public sealed class DaprUserServiceRolesTests(DaprApp app) : UserServiceRolesTests<DaprApp>(app);
