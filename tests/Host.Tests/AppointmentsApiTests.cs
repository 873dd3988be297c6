using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>Every route of API.md through HTTP. Derived once per runtime mode.</summary>
public abstract class AppointmentsApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task Booking_answers_201_with_the_original_message_the_id_and_a_location()
    {
        var client = App.NewPatient(out _);

        var response = await Book(client, Booking(NewDoctor()));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await Json(response);
        body.GetProperty("message").GetString().Should().Be("Appointment created successfully");
        var id = body.GetProperty("_id").GetString();
        id.Should().MatchRegex("^[0-9a-f]{24}$");
        response.Headers.Location!.ToString().Should().Be($"/api/appointments/{id}");
    }

    [Fact]
    public async Task A_booked_appointment_reads_back_with_the_original_field_names_and_an_etag()
    {
        var client = App.NewPatient(out var username);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor, "2031-03-10T10:00:00", slot: "slot-17"));

        var response = await client.GetAsync($"/api/appointments/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.ETag.Should().NotBeNull();
        var doc = await Json(response);
        doc.GetProperty("_id").GetString().Should().Be(id);
        doc.GetProperty("username").GetString().Should().Be(username);
        doc.GetProperty("doctor").GetString().Should().Be(doctor);
        doc.GetProperty("date_time").GetString().Should().Be("2031-03-10 10:00:00");
        doc.GetProperty("slot").GetString().Should().Be("slot-17");
        doc.GetProperty("status").GetString().Should().Be("scheduled");
        doc.GetProperty("email").GetString().Should().Be("patient@example.com");
        doc.GetProperty("phone").GetString().Should().Be("+15555550100");
        doc.GetProperty("reminder_method").GetString().Should().Be("email");
        doc.GetProperty("duration_minutes").GetInt32().Should().Be(30);
    }

    [Fact]
    public async Task A_time_with_an_offset_is_stored_as_that_instant_and_written_in_the_clinic_zone()
    {
        var client = App.NewPatient(out _);

        var id = await BookOk(client, Booking(NewDoctor(), "2031-03-10T12:30:00+02:00"));

        (await Get(client, id)).GetProperty("date_time").GetString().Should().Be("2031-03-10 10:30:00");
    }

    [Fact]
    public async Task Listing_returns_only_the_callers_appointments_ordered_by_date_time()
    {
        var alice = App.NewPatient(out var aliceName);
        var bob = App.NewPatient(out _);
        var doctor = NewDoctor();
        var later = await BookOk(alice, Booking(doctor, "2031-03-12 09:00:00"));
        var earlier = await BookOk(alice, Booking(doctor, "2031-03-11 09:00:00"));
        await BookOk(bob, Booking(doctor, "2031-03-11 11:00:00"));

        var list = await List(alice);

        list.Select(a => a.GetProperty("_id").GetString()).Should().Equal(earlier, later);
        list.Should().OnlyContain(a => a.GetProperty("username").GetString() == aliceName);
    }

    [Fact]
    public async Task Listing_filters_by_status_and_time_and_pages_with_a_cursor()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var ids = new List<string>();
        for (var day = 10; day < 15; day++)
        {
            ids.Add(await BookOk(client, Booking(doctor, $"2031-04-{day} 09:00:00")));
        }

        (await client.PostAsync($"/api/appointments/{ids[0]}/cancel", null)).EnsureSuccessStatusCode();

        (await List(client, "?status=cancelled")).Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids[0]);
        (await List(client, "?from=2031-04-11%2000:00:00&to=2031-04-13%2000:00:00")).Select(a => a.GetProperty("_id").GetString())
            .Should().Equal(ids[1], ids[2]);

        var first = await client.GetAsync("/api/appointments?limit=2");
        var cursor = first.Headers.GetValues("X-Next-Cursor").Single();
        var second = await List(client, $"?limit=2&cursor={cursor}");
        (await Json(first)).EnumerateArray().Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids[0], ids[1]);
        second.Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids[2], ids[3]);
    }

    [Theory]
    [InlineData("?status=archived")]
    [InlineData("?limit=0")]
    [InlineData("?limit=abc")]
    [InlineData("?cursor=%%%")]
    [InlineData("?from=yesterday")]
    public async Task Listing_with_a_bad_query_is_a_400_not_a_500(string query)
    {
        var client = App.NewPatient(out _);

        var response = await client.GetAsync($"/api/appointments{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields_and_a_move_marks_it_rescheduled()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor, slot: "slot-1"));

        var response = await client.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = "2031-03-10 15:00:00", phone = "+15555550199" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(response)).GetProperty("message").GetString().Should().Be("Appointment updated successfully");
        var doc = await Get(client, id);
        doc.GetProperty("date_time").GetString().Should().Be("2031-03-10 15:00:00");
        doc.GetProperty("phone").GetString().Should().Be("+15555550199");
        doc.GetProperty("slot").GetString().Should().Be("slot-1");
        doc.GetProperty("doctor").GetString().Should().Be(doctor);
        doc.GetProperty("status").GetString().Should().Be("rescheduled");
    }

    [Fact]
    public async Task A_move_frees_the_old_time_and_holds_the_new_one()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor, "2031-03-10 10:00:00"));
        (await client.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = "2031-03-10 14:00:00" })).EnsureSuccessStatusCode();

        (await Book(client, Booking(doctor, "2031-03-10 10:00:00"))).StatusCode.Should().Be(HttpStatusCode.Created);
        await ShouldBeProblem(await Book(client, Booking(doctor, "2031-03-10 14:10:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
    }

    [Fact]
    public async Task A_doctor_change_needs_the_new_doctor_to_be_free()
    {
        var client = App.NewPatient(out _);
        var (first, second) = (NewDoctor(), NewDoctor());
        await BookOk(App.NewPatient(out _), Booking(second, "2031-03-10 10:00:00"));
        var id = await BookOk(client, Booking(first, "2031-03-10 10:00:00"));

        var response = await client.PutAsJsonAsync($"/api/appointments/{id}", new { doctor = second });

        await ShouldBeProblem(response, HttpStatusCode.Conflict, "Doctor already booked for this slot");
        (await Get(client, id)).GetProperty("doctor").GetString().Should().Be(first);
    }

    [Fact]
    public async Task Update_with_a_matching_if_match_succeeds_and_with_a_stale_one_is_412_and_changes_nothing()
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));
        var etag = (await client.GetAsync($"/api/appointments/{id}")).Headers.ETag!;

        var matching = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}") { Content = JsonContent.Create(new { phone = "+15555550111" }) };
        matching.Headers.IfMatch.Add(etag);
        (await client.SendAsync(matching)).StatusCode.Should().Be(HttpStatusCode.OK);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}") { Content = JsonContent.Create(new { phone = "+15555550222" }) };
        stale.Headers.IfMatch.Add(etag);
        await ShouldBeProblem(await client.SendAsync(stale), HttpStatusCode.PreconditionFailed, "Appointment was changed by someone else");
        (await Get(client, id)).GetProperty("phone").GetString().Should().Be("+15555550111");
    }

    [Fact]
    public async Task Delete_answers_the_original_message_removes_the_appointment_and_frees_the_time()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor, slot: "slot-9"));

        var response = await client.DeleteAsync($"/api/appointments/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(response)).GetProperty("message").GetString().Should().Be("Appointment deleted successfully");
        await ShouldBeProblem(await client.GetAsync($"/api/appointments/{id}"), HttpStatusCode.NotFound, "Appointment not found");
        await ShouldBeProblem(await client.DeleteAsync($"/api/appointments/{id}"), HttpStatusCode.NotFound, "Appointment not found");
        (await List(client)).Should().BeEmpty();
        (await Book(client, Booking(doctor, slot: "slot-9"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Cancel_answers_the_original_message_and_frees_the_time_and_the_slot()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor, slot: "slot-3"));

        var response = await client.PostAsync($"/api/appointments/{id}/cancel", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(response)).GetProperty("message").GetString().Should().Be("Appointment canceled successfully");
        (await Get(client, id)).GetProperty("status").GetString().Should().Be("cancelled");
        (await Book(client, Booking(doctor, slot: "slot-3"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Un_cancelling_needs_the_time_to_be_free_again()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(client, Booking(doctor));
        (await client.PostAsync($"/api/appointments/{id}/cancel", null)).EnsureSuccessStatusCode();
        var other = await BookOk(client, Booking(doctor));

        await ShouldBeProblem(await client.PutAsJsonAsync($"/api/appointments/{id}", new { status = "scheduled" }), HttpStatusCode.Conflict);
        (await client.DeleteAsync($"/api/appointments/{other}")).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/appointments/{id}", new { status = "scheduled" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Get(client, id)).GetProperty("status").GetString().Should().Be("scheduled");
    }

    [Fact]
    public async Task Reschedule_moves_the_appointment_and_answers_the_original_message()
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));

        var response = await client.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = "2031-03-11 08:30:00" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(response)).GetProperty("message").GetString().Should().Be("Appointment rescheduled successfully");
        var doc = await Get(client, id);
        doc.GetProperty("date_time").GetString().Should().Be("2031-03-11 08:30:00");
        doc.GetProperty("status").GetString().Should().Be("rescheduled");
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.BadRequest, "Invalid request")]
    [InlineData("""{"new_date_time": "soon"}""", HttpStatusCode.BadRequest, "Invalid date format")]
    [InlineData("""{"new_date_time": "2020-01-01 10:00:00"}""", HttpStatusCode.BadRequest, "Appointment date and time must be in the future")]
    public async Task Reschedule_refuses_a_missing_bad_or_past_time_and_keeps_the_old_one(string body, HttpStatusCode status, string message)
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));

        var response = await client.PutAsync($"/api/appointments/{id}/reschedule", new StringContent(body));

        await ShouldBeProblem(response, status, message);
        (await Get(client, id)).GetProperty("date_time").GetString().Should().Be("2031-03-10 10:00:00");
    }

    [Fact]
    public async Task Status_route_answers_just_the_status()
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));

        var response = await client.GetAsync($"/api/appointments/status/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"scheduled"}""");
    }

    [Theory]
    [InlineData("GET", "/api/appointments/0123456789abcdef01234567")]
    [InlineData("GET", "/api/appointments/not-an-id")]
    [InlineData("GET", "/api/appointments/a%7C%7Cb")]
    [InlineData("PUT", "/api/appointments/0123456789abcdef01234567")]
    [InlineData("DELETE", "/api/appointments/0123456789abcdef01234567")]
    [InlineData("POST", "/api/appointments/0123456789abcdef01234567/cancel")]
    [InlineData("PUT", "/api/appointments/0123456789abcdef01234567/reschedule")]
    [InlineData("GET", "/api/appointments/status/0123456789abcdef01234567")]
    public async Task An_unknown_id_is_404_with_the_original_message(string method, string path)
    {
        var client = App.NewPatient(out _);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = new StringContent("""{"new_date_time": "2031-05-01 10:00:00", "doctor": "dr-x"}""");
        }

        await ShouldBeProblem(await client.SendAsync(request), HttpStatusCode.NotFound, "Appointment not found");
    }

    [Fact]
    public async Task Health_endpoints_answer_and_ready_checks_the_store()
    {
        var client = App.Client();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_route_with_examples_and_scalar_serves_it()
    {
        var client = App.Client();

        var document = await client.GetStringAsync("/openapi/v1.json");
        var scalar = await client.GetAsync("/scalar/v1");

        document.Should().Contain("/api/appointments/{id}/reschedule").And.Contain("/api/appointments/status/{id}")
            .And.Contain("Appointment created successfully").And.Contain("new_date_time").And.Contain("bearer");
        scalar.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

public sealed class EmbeddedAppointmentsApiTests(EmbeddedApp app) : AppointmentsApiTests<EmbeddedApp>(app);
