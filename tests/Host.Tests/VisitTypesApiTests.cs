using System.Net;

namespace Appointments.Host.Tests;

/// <summary>
/// API.md's visit types and buffers: a schedule's kinds of visit with their own lengths, and minutes kept free after
/// every appointment; free slots where such a visit fits, and bookings that name one. 2031-04-07 is a Monday.
/// </summary>
public abstract class VisitTypesApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string Morning = """
        {"slot_minutes": 20, "weekly": {"monday": [{"start": "09:00", "end": "10:20"}]},
         "visit_types": [{"code": "new-patient", "minutes": 40}, {"code": "follow-up", "minutes": 20}]}
        """;

    private const string Buffered = """{"slot_minutes": 30, "buffer_minutes": 10, "weekly": {"monday": [{"start": "09:00", "end": "11:00"}]}}""";

    [Fact]
    public async Task A_schedule_keeps_its_visit_types_and_buffer_and_the_directory_shows_the_types()
    {
        var doctor = await DoctorWithSchedule("""
            {"slot_minutes": 20, "buffer_minutes": 5, "weekly": {"monday": [{"start": "09:00", "end": "10:00"}]},
             "visit_types": [{"code": "new-patient", "minutes": 40}, {"code": "follow-up", "minutes": 20}]}
            """);

        var schedule = await Json(await App.NewPatient(out _).GetAsync($"/api/doctors/{doctor}/schedule"));
        var directory = (await Json(await App.NewPatient(out _).GetAsync("/api/doctors"))).EnumerateArray().Single(d => d.GetProperty("doctor").GetString() == doctor);

        schedule.GetProperty("buffer_minutes").GetInt32().Should().Be(5);
        Types(schedule).Should().Equal("new-patient 40", "follow-up 20");
        Types(directory).Should().Equal("new-patient 40", "follow-up 20");
    }

    [Fact]
    public async Task A_visit_types_slots_are_the_grid_starts_where_its_minutes_fit_around_what_is_booked()
    {
        var doctor = await DoctorWithSchedule(Morning);
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 09:20:00"));

        var slots = await Slots(App.NewPatient(out _), doctor, "new-patient");

        slots.Should().ContainSingle().Which.Should().Be("2031-04-07 09:40:00 40", "only 09:40–10:20 is free for 40 minutes, and 10:00 would end after 10:20");
        (await Slots(App.NewPatient(out _), doctor, null)).Should().Equal("2031-04-07 09:00:00 20", "2031-04-07 09:40:00 20", "2031-04-07 10:00:00 20");
    }

    [Fact]
    public async Task A_booking_that_names_a_visit_type_lasts_its_minutes_and_shows_it()
    {
        var doctor = await DoctorWithSchedule(Morning);
        var body = Booking(doctor, "2031-04-07 09:00:00");
        body["visit_type"] = "new-patient";

        var booked = (await Json(await Book(App.NewPatient(out _), body))).GetProperty("appointment");

        booked.GetProperty("duration_minutes").GetInt32().Should().Be(40);
        booked.GetProperty("visit_type").GetString().Should().Be("new-patient");
        booked.GetProperty("end").GetString().Should().Be("2031-04-07T09:40:00+00:00");
        (await Slots(App.NewPatient(out _), doctor, null)).Should().Equal("2031-04-07 09:40:00 20", "2031-04-07 10:00:00 20");
    }

    [Theory]
    [InlineData("new-patient", 30, "duration_minutes")]
    [InlineData("x-ray", null, "visit_type")]
    [InlineData("New Patient", null, "visit_type")]
    public async Task A_visit_type_the_doctor_does_not_offer_or_a_length_that_disagrees_is_refused(string visitType, int? minutes, string field)
    {
        var doctor = await DoctorWithSchedule(Morning);
        var body = Booking(doctor, "2031-04-07 09:00:00");
        body["visit_type"] = visitType;
        if (minutes is { } m)
        {
            body["duration_minutes"] = m;
        }

        var problem = await ShouldBeProblem(await Book(App.NewPatient(out _), body), HttpStatusCode.BadRequest, "Invalid request");

        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_visit_type_unknown_to_the_doctor_is_refused_on_their_slots_and_filters_the_first_available_search()
    {
        var (offers, other) = (await DoctorWithSchedule(Morning), await DoctorWithSchedule("""{"slot_minutes": 20, "weekly": {"monday": [{"start": "09:00", "end": "10:00"}]}}"""));

        await ShouldBeProblem(await App.NewPatient(out _).GetAsync($"/api/doctors/{other}/slots?from=2031-04-07&to=2031-04-07&visit_type=new-patient"), HttpStatusCode.BadRequest);
        var found = (await Json(await App.NewPatient(out _).GetAsync("/api/slots?from=2031-04-07&to=2031-04-07&visit_type=new-patient"))).EnumerateArray()
            .Where(s => s.GetProperty("doctor").GetString() is var d && (d == offers || d == other))
            .Select(s => $"{s.GetProperty("date_time").GetString()} {s.GetProperty("doctor").GetString() == offers} {s.GetProperty("duration_minutes").GetInt32()}");

        found.Should().Equal("2031-04-07 09:00:00 True 40", "2031-04-07 09:20:00 True 40", "2031-04-07 09:40:00 True 40");
    }

    [Fact]
    public async Task A_buffer_keeps_minutes_free_after_every_appointment_in_slots_and_in_bookings()
    {
        var doctor = await DoctorWithSchedule(Buffered);
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 09:30:00"));

        var slots = await Slots(App.NewPatient(out _), doctor, null);

        slots.Should().ContainSingle().Which.Should().Be("2031-04-07 10:30:00 30", "09:00 would end 10 minutes short of 09:30's visit, and 10:00 starts inside its buffer");
        await ShouldBeProblem(await Book(App.NewPatient(out _), Booking(doctor, "2031-04-07 10:00:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
        await ShouldBeProblem(await Book(App.NewPatient(out _), Booking(doctor, "2031-04-07 09:00:00")), HttpStatusCode.Conflict, "Doctor already booked for this slot");
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 10:30:00"));
    }

    [Theory]
    [InlineData("""[{"code": "new-patient", "minutes": 4}]""", 0, "visit_types[0].minutes")]
    [InlineData("""[{"code": "New", "minutes": 40}]""", 0, "visit_types[0].code")]
    [InlineData("""[{"code": "a", "minutes": 40}, {"code": "a", "minutes": 20}]""", 0, "visit_types[1].code")]
    [InlineData("""{"code": "a", "minutes": 40}""", 0, "visit_types")]
    [InlineData("[]", 121, "buffer_minutes")]
    [InlineData("[]", -1, "buffer_minutes")]
    public async Task A_schedule_with_bad_visit_types_or_buffer_is_refused_field_by_field(string visitTypes, int buffer, string field)
    {
        var doctor = NewDoctor();

        var response = await PutSchedule(Doctor(doctor), doctor, $$"""{"slot_minutes": 20, "buffer_minutes": {{buffer}}, "weekly": {}, "visit_types": {{visitTypes}}}""");

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request");
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
    }

    private static List<string> Types(System.Text.Json.JsonElement holder) =>
        holder.GetProperty("visit_types").EnumerateArray().Select(t => $"{t.GetProperty("code").GetString()} {t.GetProperty("minutes").GetInt32()}").ToList();

    /// <summary>Monday's free slots as <c>"date_time minutes"</c>.</summary>
    private static async Task<List<string>> Slots(HttpClient client, string doctor, string? visitType)
    {
        var response = await client.GetAsync($"/api/doctors/{doctor}/slots?from=2031-04-07&to=2031-04-07{(visitType is null ? "" : $"&visit_type={visitType}")}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await Json(response)).EnumerateArray().Select(s => $"{s.GetProperty("date_time").GetString()} {s.GetProperty("duration_minutes").GetInt32()}").ToList();
    }
}

public sealed class EmbeddedVisitTypesApiTests(EmbeddedApp app) : VisitTypesApiTests<EmbeddedApp>(app);

public sealed class DaprVisitTypesApiTests(DaprApp app) : VisitTypesApiTests<DaprApp>(app);
