using System.Security.Cryptography;
using System.Text;
using Appointments.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Host.Tests;

/// <summary>
/// API.md: "No input may produce a 500: any bytes in the body, any Unicode, any date from year 1 to 9999, any
/// header value. Nothing is stored by a request that fails." Random inputs (<see cref="HostileGen"/>) thrown at
/// every route, in both runtime modes; a failure prints the input and FsCheck's seed to replay it.
/// </summary>
public abstract class HostileInputTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const int Cases = 200;

    private static readonly (HttpMethod Method, string Path)[] ChangeRoutes =
    [
        (HttpMethod.Put, ""), (HttpMethod.Put, "/reschedule"), (HttpMethod.Post, "/cancel"), (HttpMethod.Delete, ""),
    ];

    [Fact]
    public Task Any_body_and_Idempotency_Key_posted_to_create_is_never_a_5xx_and_a_refused_one_stores_nothing() =>
        Property(
            from body in HostileGen.Body
            from key in Gen.Frequency((1, Gen.Constant<string?>(null)), (1, HostileGen.HeaderValue.Select(v => (string?)v)))
            select (body, key),
            async input =>
            {
                var client = App.NewPatient(out _);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = new ByteArrayContent(input.body) };
                if (input.key is not null)
                {
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", input.key);
                }

                using var response = await client.SendAsync(request);

                var shown = $"Idempotency-Key: {input.key} body: {Show(input.body)}";
                ShouldNotBeServerError(response, shown);
                if (!response.IsSuccessStatusCode)
                {
                    (await List(client)).Should().BeEmpty(shown);
                }
            });

    [Theory]
    [InlineData("9999-12-31 23:50:00")]
    [InlineData("9999-12-31T23:59:59.9999999-14:00")]
    [InlineData("9999-12-31 00:00:00")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("０００１-０１-０１ ００:００:００")]
    [InlineData("２０３１-０３-１０ １０:００:００")]
    public async Task A_time_at_the_ends_of_the_calendar_or_in_non_ASCII_digits_is_400_Invalid_date_format_and_changes_nothing(string dateTime)
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));
        var before = await ReadAsync(client, id);

        var booked = await Book(client, Booking(NewDoctor(), dateTime));
        var rescheduled = await client.PutAsync($"/api/appointments/{id}/reschedule", new StringContent($$"""{"new_date_time": "{{dateTime}}"}"""));

        await ShouldBeProblem(booked, System.Net.HttpStatusCode.BadRequest, "Invalid date format");
        await ShouldBeProblem(rescheduled, System.Net.HttpStatusCode.BadRequest, "Invalid date format");
        (await List(client)).Should().ContainSingle();
        (await ReadAsync(client, id)).Should().Be(before);
    }

    [Fact]
    public Task Any_body_and_If_Match_sent_to_a_change_route_is_never_a_5xx_and_a_refused_one_changes_nothing() =>
        Property(
            from body in HostileGen.Body
            from ifMatch in Gen.Frequency((1, Gen.Constant<string?>(null)), (2, HostileGen.HeaderValue.Select(v => (string?)v)))
            from route in Gen.Elements(ChangeRoutes)
            select (body, ifMatch, route),
            async input =>
            {
                var client = App.NewPatient(out _);
                var id = await BookOk(client, Booking(NewDoctor()));
                var before = await ReadAsync(client, id);
                using var request = new HttpRequestMessage(input.route.Method, $"/api/appointments/{id}{input.route.Path}") { Content = new ByteArrayContent(input.body) };
                if (input.ifMatch is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", input.ifMatch);
                }

                using var response = await client.SendAsync(request);

                var shown = $"{input.route.Method} {input.route.Path} If-Match: {input.ifMatch} body: {Show(input.body)}";
                ShouldNotBeServerError(response, shown);
                if (!response.IsSuccessStatusCode)
                {
                    (await ReadAsync(client, id)).Should().Be(before, shown);
                }
            });

    [Fact]
    public Task Any_id_query_or_If_Match_on_the_read_routes_is_never_a_5xx() =>
        Property(
            // A NUL in the path never reaches the app: Kestrel answers 400 itself, and the test server throws.
            from id in HostileGen.Escaped.Select(path => path.Replace("%00", "", StringComparison.Ordinal))
            from query in Gen.ArrayOf(HostileGen.Escaped, 5)
            from ifMatch in HostileGen.HeaderValue
            select (id, query, ifMatch),
            async input =>
            {
                var client = App.NewPatient(out _);
                client.DefaultRequestHeaders.TryAddWithoutValidation("If-Match", input.ifMatch);
                var (status, from, to, limit, cursor) = (input.query[0], input.query[1], input.query[2], input.query[3], input.query[4]);
                string[] paths =
                [
                    $"/api/appointments/{input.id}",
                    $"/api/appointments/status/{input.id}",
                    $"/api/appointments/{input.id}/history",
                    $"/api/appointments?status={status}&from={from}&to={to}&limit={limit}&cursor={cursor}",
                ];

                foreach (var path in paths)
                {
                    using var response = await client.GetAsync(path);
                    ShouldNotBeServerError(response, $"GET {path} If-Match: {input.ifMatch}");
                }
            });

    [Fact]
    public Task Any_Authorization_header_on_any_route_is_never_a_5xx_and_a_refused_booking_stores_nothing() =>
        Property(Gen.OneOf(HostileGen.HeaderValue, SignedTokens()), async authorization =>
        {
            var client = App.Client();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
            var id = "65f1c2a9e4b0a1b2c3d4e5f6";

            using var booked = await Book(client, Booking(NewDoctor()));
            ShouldNotBeServerError(booked, authorization);
            foreach (var (method, path) in ChangeRoutes.Append((HttpMethod.Get, "")).Append((HttpMethod.Get, "/history")).Append((HttpMethod.Get, "/../status/" + id)))
            {
                using var request = new HttpRequestMessage(method, $"/api/appointments/{id}{path}") { Content = new StringContent("{}") };
                using var response = await client.SendAsync(request);
                ShouldNotBeServerError(response, $"{method} {path} Authorization: {authorization}");
            }

            using var listed = await client.GetAsync("/api/appointments");
            ShouldNotBeServerError(listed, authorization);
            if (!booked.IsSuccessStatusCode && listed.IsSuccessStatusCode)
            {
                (await Json(listed)).GetArrayLength().Should().Be(0, authorization);
            }
        });

    [Fact]
    public Task Any_schedule_body_is_never_a_5xx_and_a_refused_one_stores_no_schedule() =>
        Property(Gen.Frequency((4, ScheduleBody), (1, HostileGen.Body)), async body =>
        {
            var doctor = NewDoctor();
            var client = Doctor(doctor);

            using var response = await client.PutAsync($"/api/doctors/{doctor}/schedule", new ByteArrayContent(body));

            var shown = Show(body);
            ShouldNotBeServerError(response, shown);
            using var stored = await client.GetAsync($"/api/doctors/{doctor}/schedule");
            stored.StatusCode.Should().Be(response.IsSuccessStatusCode ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.NotFound, shown);
            if (response.IsSuccessStatusCode)
            {
                using var slots = await client.GetAsync($"/api/doctors/{doctor}/slots?from=2031-03-02&to=2031-04-01");
                ShouldNotBeServerError(slots, $"slots after {shown}");
            }
        });

    [Fact]
    public Task Any_doctor_id_or_query_on_the_availability_and_FHIR_routes_is_never_a_5xx() =>
        Property(
            from name in HostileGen.Escaped.Select(path => path.Replace("%00", "", StringComparison.Ordinal))
            from query in Gen.ArrayOf(HostileGen.Escaped, 4)
            select (name, query),
            async input =>
            {
                var (name, q) = (input.name, input.query);
                string[] paths =
                [
                    $"/api/doctors/{name}/schedule",
                    $"/api/doctors/{name}/slots?from={q[0]}&to={q[1]}",
                    $"/api/doctors/{name}/slots?from=2031-03-03&to=2031-03-09&visit_type={q[2]}",
                    $"/api/doctors/{name}/appointments?date={q[2]}",
                    $"/api/doctors/{name}/appointments?from={q[0]}&to={q[3]}",
                    $"/api/doctors/{name}/appointments?date={q[1]}&from={q[0]}",
                    "/api/doctors",
                    $"/api/slots?from={q[0]}&to={q[1]}",
                    $"/api/slots?from=2031-03-03&to=2031-03-09&visit_type={q[3]}",
                    $"/api/appointments?from={q[2]}&to={q[3]}&upcoming={q[0]}",
                    $"/fhir/Appointment/{name}",
                    $"/fhir/Appointment?date={q[0]}&date={q[1]}&_count={q[3]}",
                    $"/fhir/Slot?schedule=Schedule/{name}&start={q[0]}&start={q[1]}",
                    $"/fhir/Slot?schedule=Schedule/{name}&start=ge2031-03-03&start=lt2031-03-09&service-type={q[2]}",
                    $"/fhir/Slot?schedule={q[2]}&start={q[3]}",
                ];

                foreach (var client in new[] { App.NewPatient(out _), Admin() })
                {
                    foreach (var path in paths)
                    {
                        using var response = await client.GetAsync(path);
                        ShouldNotBeServerError(response, $"GET {path}");
                    }
                }
            });

    /// <summary>Schedule-shaped bodies whose values are anything: numbers, times out of range, any JSON, any text.</summary>
    private static Gen<byte[]> ScheduleBody
    {
        get
        {
            var value = Gen.OneOf(
                HostileGen.JsonValue,
                HostileGen.Text.Select(HostileGen.Quote),
                from h in Gen.Choose(-1, 25) from m in Gen.Elements(0, 15, 30, 59, 60) select $"\"{h:00}:{m:00}\"",
                Gen.Elements("5", "15", "30", "0", "-15", "1440", "1e9", "30.5", "null", "\"30\""));
            var day = Gen.Elements("monday", "tuesday", "sunday", "Monday", "funday", "");
            return from slot in value
                   from d in day
                   from start in value
                   from end in value
                   from closed in value
                   from code in Gen.OneOf(value, Gen.Elements("\"new-patient\"", "\"a\"", "\"A\"", "\"\""))
                   from minutes in value
                   from buffer in value
                   select System.Text.Encoding.UTF8.GetBytes(
                       $$"""{"slot_minutes": {{slot}}, "weekly": {"{{d}}": [{"start": {{start}}, "end": {{end}}}]}, "closed": [{{closed}}], """ +
                       $$"""  "visit_types": [{"code": {{code}}, "minutes": {{minutes}}}], "buffer_minutes": {{buffer}}}""");
        }
    }

    /// <summary>Bearer tokens signed with the right key whose claims are anything: what a broken user service could issue.</summary>
    private Gen<string> SignedTokens()
    {
        var now = App.Clock.GetUtcNow().ToUnixTimeSeconds();
        var number = Gen.Elements($"{now + 900}", $"{now - 900}", "253402300799", "253402300800", "1e30", "-1e30", "-62135596801", "0", "\"soon\"", "null");
        // Each case a caller of its own, so "nothing stored" speaks of this case alone.
        return from sub in HostileGen.Text.Select(text => $"{Guid.NewGuid():N}{text}")
               from role in Gen.Elements("patient", "doctor", "admin", "root", "", "\\ud800", "ADMIN")
               from exp in Gen.Frequency((3, Gen.Constant($"{now + 900}")), (1, number))
               from nbf in Gen.Frequency((3, Gen.Constant($"{now}")), (1, number))
               from type in Gen.Elements("\"access\"", "\"refresh\"", "null", "1")
               select "Bearer " + Sign($$"""{"sub":{{HostileGen.Quote(sub)}},"role":"{{role}}","exp":{{exp}},"nbf":{{nbf}},"iat":{{now}},"type":{{type}},"fresh":false,"jti":"x"}""");
    }

    private static string Sign(string payload)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var unsigned = $"{Encode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray())}.{Encode(Encoding.UTF8.GetBytes(payload))}";
        return $"{unsigned}.{Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(FlaskTokens.Key), Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>The document and its ETag: what a refused change must leave as it was.</summary>
    private static async Task<string> ReadAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/appointments/{id}");
        return $"{(int)response.StatusCode} {response.Headers.ETag} {await response.Content.ReadAsStringAsync()}";
    }

    private static void ShouldNotBeServerError(HttpResponseMessage response, string input) => HostileGen.ShouldNotBeServerError(response, input);

    private static string Show(byte[] body) => Encoding.UTF8.GetString(body);

    private static Task Property<T>(Gen<T> inputs, Func<T, Task> property) => HostileGen.Property(inputs, property, Cases);
}

public sealed class EmbeddedHostileInputTests(EmbeddedApp app) : HostileInputTests<EmbeddedApp>(app);

public sealed class DaprHostileInputTests(DaprApp app) : HostileInputTests<DaprApp>(app);
