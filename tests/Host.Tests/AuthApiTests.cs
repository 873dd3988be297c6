using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>Who may call, and who may see and change what.</summary>
public abstract class AuthApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Theory]
    [InlineData("missing")]
    [InlineData("malformed")]
    [InlineData("garbage")]
    [InlineData("wrong key")]
    [InlineData("expired")]
    [InlineData("lives longer than a day")]
    [InlineData("not yet valid")]
    [InlineData("alg none")]
    [InlineData("no sub")]
    [InlineData("refresh token")]
    [InlineData("basic scheme")]
    [InlineData("token without scheme")]
    public async Task A_request_without_a_valid_access_token_is_401(string why)
    {
        // Each token is issued by the host's clock, so it is refused for the one reason it names.
        var now = App.Clock.GetUtcNow();
        var authorization = why switch
        {
            "missing" => "",
            "malformed" => "Bearer not.a.jwt",
            "garbage" => "Bearer ???",
            "wrong key" => "Bearer " + FlaskTokens.Access("alice", key: "another-key-that-is-also-long-enough-0000", now: now),
            "expired" => "Bearer " + FlaskTokens.Sign(FlaskTokens.Claims("alice", expiresIn: 900, issuedAt: now.AddHours(-1))),
            "lives longer than a day" => "Bearer " + FlaskTokens.Access("alice", lifetime: TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1), now: now),
            "not yet valid" => "Bearer " + FlaskTokens.Sign(FlaskTokens.Claims("alice", expiresIn: 900, issuedAt: now.AddMinutes(10))),
            "alg none" => "Bearer " + FlaskTokens.Sign(FlaskTokens.Claims("alice", issuedAt: now), algorithm: "none"),
            "no sub" => "Bearer " + FlaskTokens.Sign(Without(FlaskTokens.Claims("alice", issuedAt: now), "sub")),
            "refresh token" => "Bearer " + FlaskTokens.Sign(With(FlaskTokens.Claims("alice", issuedAt: now), "type", "refresh")),
            "basic scheme" => "Basic " + Convert.ToBase64String("alice:secret"u8.ToArray()),
            _ => App.Token("alice"),
        };
        var client = App.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/appointments");
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, why);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_token_minted_like_the_user_services_opens_the_api()
    {
        var client = App.Client(App.Token("carol"));

        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_that_opened_the_api_is_refused_once_it_has_expired()
    {
        // Repeats of a token are answered from memory: that memory must still end at the token's exp.
        var client = App.Client(App.Token("erin"));
        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);

        App.Clock.Advance(TimeSpan.FromMinutes(16));

        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Many_requests_at_once_with_one_new_token_are_all_let_in()
    {
        // The first of them checks the token in full while the others may already find it remembered.
        var client = App.Client(App.Token("grace"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => client.GetAsync("/api/appointments")));

        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("refresh token")]
    [InlineData("no sub")]
    public async Task A_signed_token_refused_for_what_it_says_is_refused_every_time(string why)
    {
        var claims = FlaskTokens.Claims("frank", issuedAt: App.Clock.GetUtcNow());
        var token = FlaskTokens.Sign(why == "no sub" ? Without(claims, "sub") : With(claims, "type", "refresh"));
        var client = App.Client(token);

        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{why}, request {i + 1}");
        }
    }

    [Fact]
    public async Task Another_users_appointment_is_404_for_every_route_and_stays_unchanged()
    {
        var owner = App.NewPatient(out _);
        var stranger = App.NewPatient(out _);
        var id = await BookOk(owner, Booking(NewDoctor()));
        var before = await Get(owner, id);

        var answers = new[]
        {
            await stranger.GetAsync($"/api/appointments/{id}"),
            await stranger.GetAsync($"/api/appointments/status/{id}"),
            await stranger.PutAsJsonAsync($"/api/appointments/{id}", new { phone = "+15555550999" }),
            await stranger.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = "2031-07-01 10:00:00" }),
            await stranger.PostAsync($"/api/appointments/{id}/cancel", null),
            await stranger.DeleteAsync($"/api/appointments/{id}"),
        };

        foreach (var answer in answers)
        {
            await ShouldBeProblem(answer, HttpStatusCode.NotFound, "Appointment not found");
        }

        (await Get(owner, id)).ToString().Should().Be(before.ToString());
        (await List(stranger)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_doctor_reads_their_appointments_but_cannot_change_them()
    {
        var patient = App.NewPatient(out _);
        var doctorName = NewDoctor();
        var doctor = App.Client(App.Token(doctorName, role: "doctor"));
        var otherDoctor = App.Client(App.Token(NewDoctor(), role: "doctor"));
        var id = await BookOk(patient, Booking(doctorName));

        (await doctor.GetAsync($"/api/appointments/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await ShouldBeProblem(await otherDoctor.GetAsync($"/api/appointments/{id}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await doctor.DeleteAsync($"/api/appointments/{id}"), HttpStatusCode.Forbidden);
        (await Get(patient, id)).GetProperty("status").GetString().Should().Be("scheduled");
    }

    [Fact]
    public async Task An_admin_reads_and_changes_any_appointment()
    {
        var patient = App.NewPatient(out _);
        var admin = App.Client(App.Token("the-admin", role: "admin"));
        var id = await BookOk(patient, Booking(NewDoctor()));

        (await admin.GetAsync($"/api/appointments/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/appointments/{id}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Get(patient, id)).GetProperty("status").GetString().Should().Be("cancelled");
    }

    [Fact]
    public async Task A_patient_cannot_book_for_someone_else_by_naming_them()
    {
        var client = App.NewPatient(out var me);
        App.NewPatient(out var victim);
        var body = Booking(NewDoctor());
        body["username"] = victim;

        var id = await BookOk(client, body);

        (await Get(client, id)).GetProperty("username").GetString().Should().Be(me);
    }

    private static Dictionary<string, object> Without(Dictionary<string, object> claims, string name)
    {
        claims.Remove(name);
        return claims;
    }

    private static Dictionary<string, object> With(Dictionary<string, object> claims, string name, object value)
    {
        claims[name] = value;
        return claims;
    }
}

public sealed class EmbeddedAuthApiTests(EmbeddedApp app) : AuthApiTests<EmbeddedApp>(app);
