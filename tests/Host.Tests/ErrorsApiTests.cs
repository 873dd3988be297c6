using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Appointments.Host.Tests;

/// <summary>API.md's errors table: each row, and that a failed request stores nothing.</summary>
public abstract class ErrorsApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "not json at all", "body" },
        { "{\"doctor\": ", "body" },
        { "[]", "body" },
        { "[{\"doctor\": \"dr-a\"}]", "body" },
        { "null", "body" },
        { "42", "body" },
        { "\"text\"", "body" },
        { new string('[', 5000) + new string(']', 5000), "body" },
        { "{\"doctor\": " + new string('[', 5000) + new string(']', 5000) + "}", "body" },
        { "{}", "doctor" },
        { "{\"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { "{\"doctor\": \"dr-a\", \"email\": \"a@example.com\"}", "date_time" },
        { "{\"doctor\": 7, \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { "{\"doctor\": null, \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { "{\"doctor\": \"dr-a\", \"date_time\": 20310310, \"email\": \"a@example.com\"}", "date_time" },
        { "{\"doctor\": \"dr-a\", \"date_time\": [\"2031-03-10\"], \"email\": \"a@example.com\"}", "date_time" },
        { "{\"doctor\": \"\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { "{\"doctor\": \"dr a; DROP\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { "{\"doctor\": \"dr|a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "doctor" },
        { $"{{\"doctor\": \"{new string('d', 129)}\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}}", "doctor" },
        { $"{{\"doctor\": \"dr-a\", \"slot\": \"{new string('s', 129)}\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}}", "slot" },
        { "{\"doctor\": \"dr-a\", \"slot\": 17, \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\"}", "slot" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"not-an-email\"}", "email" },
        { $"{{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"{new string('a', 250)}@example.com\"}}", "email" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": true}", "email" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"reminder_method\": \"email\"}", "email" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"reminder_method\": \"sms\"}", "phone" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"reminder_method\": \"sms\", \"phone\": \"555-0100\"}", "phone" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"reminder_method\": \"sms\", \"phone\": \"+1234567\"}", "phone" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"reminder_method\": \"pigeon\", \"email\": \"a@example.com\"}", "reminder_method" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"duration_minutes\": 4}", "duration_minutes" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"duration_minutes\": 481}", "duration_minutes" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"duration_minutes\": 30.5}", "duration_minutes" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"duration_minutes\": \"30\"}", "duration_minutes" },
        { "{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"duration_minutes\": 1e400}", "duration_minutes" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_400_Invalid_request_naming_the_field_and_stores_nothing(string body, string field)
    {
        var client = App.NewPatient(out _);

        var response = await PostRaw(client, body);

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request");
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        (await List(client)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("tomorrow at ten")]
    [InlineData("2031-02-30 10:00:00")]
    [InlineData("2031-13-01 10:00:00")]
    [InlineData("2031-03-10 25:00:00")]
    [InlineData("2031-03-10")]
    [InlineData("10/03/2031 10:00")]
    [InlineData("2031-03-10T10:00:00+25:00")]
    [InlineData("")]
    public async Task An_unparseable_or_impossible_date_is_400_Invalid_date_format(string dateTime)
    {
        var client = App.NewPatient(out _);

        var response = await Book(client, Booking(NewDoctor(), dateTime));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid date format");
        (await List(client)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("2020-01-01 10:00:00")]
    [InlineData("2000-01-01T00:00:00Z")]
    public async Task A_past_date_is_400_and_stores_nothing(string dateTime)
    {
        var client = App.NewPatient(out _);

        var response = await Book(client, Booking(NewDoctor(), dateTime));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Appointment date and time must be in the future");
        (await List(client)).Should().BeEmpty();
    }

    [Fact]
    public async Task Moving_into_the_past_is_400_and_keeps_the_old_time()
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));

        var response = await client.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = "2020-01-01 10:00:00" });

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Appointment date and time must be in the future");
        (await Get(client, id)).GetProperty("date_time").GetString().Should().Be("2031-03-10 10:00:00");
    }

    [Fact]
    public async Task Booking_for_a_user_the_user_service_does_not_know_is_404_and_nothing_is_stored()
    {
        var doctor = NewDoctor();
        var body = Booking(doctor);
        body["username"] = "ghost-who-never-registered";

        var response = await Book(Admin(), body);

        await ShouldBeProblem(response, HttpStatusCode.NotFound, "User does not exist");
        (await Json(await Admin().GetAsync($"/api/doctors/{doctor}/appointments?date=2031-03-10"))).GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("who?")]
    [InlineData("hash#tag")]
    [InlineData("100%")]
    public async Task A_username_that_cannot_travel_in_the_user_check_path_is_400_before_any_lookup(string username)
    {
        var client = App.Client(App.Token(username));

        var response = await Book(client, Booking(NewDoctor()));

        (await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request")).GetProperty("errors").TryGetProperty("username", out _).Should().BeTrue();
        (await List(client)).Should().BeEmpty();
    }

    [Fact]
    public async Task Overlapping_bookings_of_one_doctor_are_409_while_adjacent_ones_and_other_doctors_are_fine()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        await BookOk(client, Booking(doctor, "2031-03-10 10:00:00"));

        await ShouldBeProblem(await Book(client, Booking(doctor, "2031-03-10 10:00:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
        await ShouldBeProblem(await Book(client, Booking(doctor, "2031-03-10 10:25:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
        await ShouldBeProblem(await Book(client, Booking(doctor, "2031-03-10 09:35:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
        (await Book(client, Booking(doctor, "2031-03-10 10:30:00"))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Book(client, Booking(doctor, "2031-03-10 09:30:00"))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Book(App.NewPatient(out _), Booking(NewDoctor(), "2031-03-10 10:00:00"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_longer_appointment_blocks_its_whole_duration()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        var body = Booking(doctor, "2031-03-10 10:00:00");
        body["duration_minutes"] = 120;
        await BookOk(client, body);

        await ShouldBeProblem(await Book(client, Booking(doctor, "2031-03-10 11:45:00")), HttpStatusCode.Conflict);
        (await Book(client, Booking(doctor, "2031-03-10 12:00:00"))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_same_slot_of_one_doctor_is_409_even_at_another_time()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        await BookOk(client, Booking(doctor, "2031-03-10 10:00:00", slot: "slot-17"));

        var response = await Book(client, Booking(doctor, "2031-03-11 10:00:00", slot: "slot-17"));

        await ShouldBeProblem(response, HttpStatusCode.Conflict, "Doctor already booked for this slot");
        (await List(client)).Should().HaveCount(1);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413_and_stores_nothing()
    {
        var client = App.NewPatient(out _);
        var body = $"{{\"doctor\": \"dr-a\", \"date_time\": \"2031-03-10 10:00:00\", \"email\": \"a@example.com\", \"notes\": \"{new string('x', 70_000)}\"}}";

        var response = await client.PostAsync("/api/appointments", new StringContent(body, Encoding.UTF8, "application/json"));

        await ShouldBeProblem(response, HttpStatusCode.RequestEntityTooLarge);
        (await List(client)).Should().BeEmpty();
    }

    [Fact]
    public async Task Unknown_members_are_ignored()
    {
        var client = App.NewPatient(out _);
        var body = Booking(NewDoctor());
        body["favourite_colour"] = "teal";

        (await Book(client, body)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_json_body_without_a_json_content_type_is_still_read()
    {
        var client = App.NewPatient(out _);

        var response = await PostRaw(client, """{"doctor": "dr-plain", "date_time": "2031-03-10 10:00:00", "email": "a@example.com"}""", "text/plain");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_unreachable_user_service_is_503_with_retry_after_and_nothing_is_stored()
    {
        var client = App.NewPatient(out _);
        App.Users.FailWith = 500;
        try
        {
            var response = await Book(client, Booking(NewDoctor()));

            await ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
            response.Headers.RetryAfter.Should().NotBeNull();
        }
        finally
        {
            App.Users.FailWith = null;
        }

        (await List(client)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_service_slower_than_the_timeout_is_503()
    {
        var client = App.NewPatient(out _);
        App.Users.Delay = TimeSpan.FromSeconds(6);
        try
        {
            var response = await Book(client, Booking(NewDoctor()));

            await ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
        }
        finally
        {
            App.Users.Delay = TimeSpan.Zero;
        }

        (await List(client)).Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_state_store_is_503_with_retry_after_and_not_ready()
    {
        var client = App.NewPatient(out _);
        App.Store.Down = true;
        try
        {
            var booking = await Book(client, Booking(NewDoctor()));
            var listing = await client.GetAsync("/api/appointments");
            var ready = await client.GetAsync("/health/ready");

            await ShouldBeProblem(booking, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
            booking.Headers.RetryAfter.Should().NotBeNull();
            await ShouldBeProblem(listing, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            App.Store.Down = false;
        }
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_with_a_message()
    {
        var client = App.NewPatient(out _);

        var response = await client.GetAsync("/api/nothing-here");

        await ShouldBeProblem(response, HttpStatusCode.NotFound, "Not Found");
    }
}

public sealed class EmbeddedErrorsApiTests(EmbeddedApp app) : ErrorsApiTests<EmbeddedApp>(app);
