using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Host.Tests;

/// <summary>
/// API.md's "no input may produce a 500 … nothing is stored by a request that fails", at the waitlist's routes: random
/// bodies to join (<see cref="HostileGen"/>, and bodies shaped like a real request with hostile values), and random ids,
/// queries and methods at the entry routes, in both runtime modes.
/// </summary>
public abstract class WaitlistHostileInputTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const int Cases = 150;

    private static readonly string[] EntryRoutes = ["", "/accept", "/decline"];

    [Fact]
    public async Task Any_body_posted_to_join_is_never_a_5xx_and_a_refused_one_stores_no_entry()
    {
        var doctor = await DoctorWithSchedule("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "12:00"}]}, "visit_types": [{"code": "a", "minutes": 20}]}""");
        await HostileGen.Property(Gen.Frequency((3, ShapedBody(doctor)), (1, HostileGen.Body)), async body =>
        {
            var client = App.NewPatient(out _);

            using var response = await client.PostAsync("/api/waitlist", new ByteArrayContent(body));

            var shown = Encoding.UTF8.GetString(body);
            HostileGen.ShouldNotBeServerError(response, shown);
            using var entries = await client.GetAsync("/api/waitlist");
            var listed = (await Json(entries)).GetArrayLength();
            listed.Should().Be(response.IsSuccessStatusCode ? 1 : 0, shown);
        }, Cases);
    }

    [Fact]
    public Task Any_id_query_or_method_at_the_entry_routes_is_never_a_5xx() =>
        HostileGen.Property(
            from id in HostileGen.Escaped.Select(path => path.Replace("%00", "", StringComparison.Ordinal))
            from route in Gen.Elements(EntryRoutes)
            from method in Gen.Elements(HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put)
            from doctor in HostileGen.Escaped
            from role in Gen.Elements("patient", "doctor", "admin")
            select (id, route, method, doctor, role),
            async input =>
            {
                var client = App.NewPatient(out _, input.role);

                using var entry = await client.SendAsync(new HttpRequestMessage(input.method, $"/api/waitlist/{input.id}{input.route}"));
                using var list = await client.GetAsync($"/api/waitlist?doctor={input.doctor}");

                HostileGen.ShouldNotBeServerError(entry, $"{input.method} /api/waitlist/{input.id}{input.route} as {input.role}");
                HostileGen.ShouldNotBeServerError(list, $"GET /api/waitlist?doctor={input.doctor} as {input.role}");
            },
            Cases);

    /// <summary>A join as a client would send it, each member sometimes missing, sometimes any JSON at all.</summary>
    private static Gen<byte[]> ShapedBody(string doctor)
    {
        Gen<string?> Member(params string[] plausible) => Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (4, Gen.Elements(plausible).Select(v => (string?)v)),
            (2, HostileGen.JsonValue.Select(v => (string?)v)),
            (1, HostileGen.Date.Select(d => (string?)HostileGen.Quote(d))));

        return from doctorValue in Member($"\"{doctor}\"", "\"dr-nobody\"", "\"\"")
               from first in Member("\"2031-04-07\"", "\"2031-03-01\"", "\"2031-02-01\"", "\"2032-06-01\"", "\"0001-01-01\"", "\"9999-12-31\"")
               from last in Member("\"2031-04-07\"", "\"2031-04-30\"", "\"2031-02-28\"", "\"9999-12-31\"", "\"2031-4-7\"")
               from visitType in Member("\"a\"", "\"b\"", "null")
               from email in Member("\"pat@example.com\"", "null", "\"not-an-email\"")
               from method in Member("\"email\"", "\"sms\"", "\"none\"", "\"fax\"")
               from phone in Member("\"+15555550100\"", "\"+80012345678\"")
               from username in Member("\"someone-else\"", "\"a/b\"")
               select Encoding.UTF8.GetBytes("{" + string.Join(", ", new[]
               {
                   ("doctor", doctorValue), ("from", first), ("to", last), ("visit_type", visitType), ("email", email),
                   ("reminder_method", method), ("phone", phone), ("username", username),
               }.Where(m => m.Item2 is not null).Select(m => $"\"{m.Item1}\": {m.Item2}")) + "}");
    }
}

public sealed class EmbeddedWaitlistHostileInputTests(EmbeddedApp app) : WaitlistHostileInputTests<EmbeddedApp>(app);

public sealed class DaprWaitlistHostileInputTests(DaprApp app) : WaitlistHostileInputTests<DaprApp>(app);
