using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Availability": writing and reading a doctor's schedule.</summary>
public abstract class ScheduleApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string Valid = """
        {"slot_minutes": 30,
         "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "wednesday": [{"start": "09:00", "end": "13:00"}],
                    "saturday": [{"start": "20:00", "end": "24:00"}]},
         "closed": ["2031-12-24", "2031-12-25"],
         "visit_types": [{"code": "new-patient", "minutes": 60}, {"code": "follow-up", "minutes": 30}],
         "buffer_minutes": 5}
        """;

    [Fact]
    public async Task A_doctor_saves_their_schedule_and_anyone_signed_in_reads_back_what_was_written()
    {
        var doctor = NewDoctor();

        var saved = await PutSchedule(Doctor(doctor), doctor, Valid);
        var read = await App.NewPatient(out _).GetAsync($"/api/doctors/{doctor}/schedule");

        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Json(saved)).GetProperty("message").GetString().Should().Be("Schedule saved");
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        read.Headers.ETag.Should().NotBeNull();
        var written = JsonNode.Parse(Valid)!.AsObject();
        written["time_zone"] = "UTC"; // the clinic's, read-only, beside what was written
        JsonNode.DeepEquals(JsonNode.Parse(await read.Content.ReadAsStringAsync()), written).Should().BeTrue(await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Windows_and_closed_dates_come_back_in_order()
    {
        var doctor = NewDoctor();

        await PutScheduleOk(Admin(), doctor, """
            {"slot_minutes": 15, "weekly": {"friday": [{"start": "14:00", "end": "16:00"}, {"start": "08:00", "end": "12:00"}]},
             "closed": ["2031-06-02", "2031-05-01", "2031-06-02"]}
            """);
        var schedule = await Json(await Admin().GetAsync($"/api/doctors/{doctor}/schedule"));

        schedule.GetProperty("weekly").GetProperty("friday").EnumerateArray().Select(w => w.GetProperty("start").GetString()).Should().Equal("08:00", "14:00");
        schedule.GetProperty("closed").EnumerateArray().Select(d => d.GetString()).Should().Equal("2031-05-01", "2031-06-02");
    }

    [Fact]
    public async Task A_doctor_without_a_schedule_has_none_to_read()
    {
        await ShouldBeProblem(await App.NewPatient(out _).GetAsync($"/api/doctors/{NewDoctor()}/schedule"), HttpStatusCode.NotFound, "Schedule not found");
    }

    [Fact]
    public async Task Only_the_doctor_themself_or_an_admin_writes_a_schedule()
    {
        var doctor = NewDoctor();

        var byPatient = await PutSchedule(App.NewPatient(out _), doctor, Valid);
        var byOtherDoctor = await PutSchedule(Doctor(NewDoctor()), doctor, Valid);
        var byPatientNamedLikeTheDoctor = await PutSchedule(App.Client(App.Token(doctor)), doctor, Valid);
        var byAdmin = await PutSchedule(Admin(), doctor, Valid);
        var byTheDoctor = await PutSchedule(Doctor(doctor), doctor, Valid);

        await ShouldBeProblem(byPatient, HttpStatusCode.Forbidden, "Not allowed to make this change");
        await ShouldBeProblem(byOtherDoctor, HttpStatusCode.Forbidden, "Not allowed to make this change");
        await ShouldBeProblem(byPatientNamedLikeTheDoctor, HttpStatusCode.Forbidden, "Not allowed to make this change");
        byAdmin.StatusCode.Should().Be(HttpStatusCode.OK);
        byTheDoctor.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refused_write_leaves_the_schedule_as_it_was()
    {
        var doctor = NewDoctor();
        await PutScheduleOk(Doctor(doctor), doctor, Valid);

        await PutSchedule(Doctor(NewDoctor()), doctor, """{"slot_minutes": 60, "weekly": {}}""");
        await PutSchedule(Doctor(doctor), doctor, """{"slot_minutes": 1, "weekly": {}}""");

        (await Json(await Admin().GetAsync($"/api/doctors/{doctor}/schedule"))).GetProperty("slot_minutes").GetInt32().Should().Be(30);
    }

    [Fact]
    public async Task If_match_replaces_only_the_version_it_names()
    {
        var doctor = NewDoctor();
        await PutScheduleOk(Doctor(doctor), doctor, Valid);
        var etag = (await Admin().GetAsync($"/api/doctors/{doctor}/schedule")).Headers.ETag!;
        await PutScheduleOk(Admin(), doctor, """{"slot_minutes": 20, "weekly": {}}""");

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/doctors/{doctor}/schedule") { Content = new StringContent(Valid, Encoding.UTF8, "application/json") };
        stale.Headers.IfMatch.Add(etag);
        var response = await Doctor(doctor).SendAsync(stale);

        await ShouldBeProblem(response, HttpStatusCode.PreconditionFailed, "Schedule was changed by someone else");
        (await Json(await Admin().GetAsync($"/api/doctors/{doctor}/schedule"))).GetProperty("slot_minutes").GetInt32().Should().Be(20);
    }

    [Theory]
    [InlineData("[]", "body")]
    [InlineData("""{"weekly": {}}""", "slot_minutes")]
    [InlineData("""{"slot_minutes": "30", "weekly": {}}""", "slot_minutes")]
    [InlineData("""{"slot_minutes": 4, "weekly": {}}""", "slot_minutes")]
    [InlineData("""{"slot_minutes": 481, "weekly": {}}""", "slot_minutes")]
    [InlineData("""{"slot_minutes": 30.5, "weekly": {}}""", "slot_minutes")]
    [InlineData("""{"slot_minutes": 30}""", "weekly")]
    [InlineData("""{"slot_minutes": 30, "weekly": []}""", "weekly")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"funday": []}}""", "weekly.funday")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"Monday": []}}""", "weekly.Monday")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [], "monday": []}}""", "weekly.monday")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": {"start": "09:00", "end": "10:00"}}}""", "weekly.monday")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": ["09:00-10:00"]}}""", "weekly.monday[0]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"end": "10:00"}]}}""", "weekly.monday[0].start")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "9:00", "end": "10:00"}]}}""", "weekly.monday[0].start")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "24:00", "end": "24:00"}]}}""", "weekly.monday[0].start")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "10:60"}]}}""", "weekly.monday[0].end")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "24:01"}]}}""", "weekly.monday[0].end")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "١٠:٠٠"}]}}""", "weekly.monday[0].end")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": 10}]}}""", "weekly.monday[0].end")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "10:00", "end": "09:00"}]}}""", "weekly.monday[0]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "10:00", "end": "10:00"}]}}""", "weekly.monday[0]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:30", "end": "13:00"}]}}""", "weekly.monday")]
    [InlineData("""{"slot_minutes": 30, "weekly": {}, "closed": "2031-12-24"}""", "closed")]
    [InlineData("""{"slot_minutes": 30, "weekly": {}, "closed": ["2031-02-30"]}""", "closed[0]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {}, "closed": ["2031-12-24", "24.12.2031"]}""", "closed[1]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {}, "closed": [20311224]}""", "closed[0]")]
    [InlineData("""{"slot_minutes": 30, "weekly": {}, "closed": ["\ud800"]}""", "body")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"\ud800": []}}""", "body")]
    [InlineData("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "\udfff", "end": "10:00"}]}}""", "body")]
    public async Task A_schedule_that_breaks_a_rule_is_400_naming_the_field(string body, string field)
    {
        var doctor = NewDoctor();

        var response = await PutSchedule(Doctor(doctor), doctor, body);

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request");
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        await ShouldBeProblem(await Admin().GetAsync($"/api/doctors/{doctor}/schedule"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_day_has_at_most_48_windows_and_a_schedule_at_most_1000_closed_dates()
    {
        var doctor = NewDoctor();
        var windows = Enumerable.Range(0, 49).Select(i => new { start = $"{i / 2:00}:{i % 2 * 30:00}", end = $"{i / 2:00}:{(i % 2 * 30) + 10:00}" });
        var closed = Enumerable.Range(0, 1001).Select(i => new DateOnly(2032, 1, 1).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var tooManyWindows = await Doctor(doctor).PutAsJsonAsync($"/api/doctors/{doctor}/schedule", new { slot_minutes = 5, weekly = new { monday = windows } });
        var tooManyDates = await Doctor(doctor).PutAsJsonAsync($"/api/doctors/{doctor}/schedule", new { slot_minutes = 5, weekly = new { }, closed });

        (await ShouldBeProblem(tooManyWindows, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("weekly.monday", out _).Should().BeTrue();
        (await ShouldBeProblem(tooManyDates, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("closed", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Windows_may_touch_and_a_day_may_end_at_midnight()
    {
        var doctor = NewDoctor();

        var response = await PutSchedule(Doctor(doctor), doctor, """
            {"slot_minutes": 60, "weekly": {"sunday": [{"start": "00:00", "end": "12:00"}, {"start": "12:00", "end": "24:00"}], "tuesday": []}}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("PUT", "/schedule")]
    [InlineData("GET", "/schedule")]
    [InlineData("GET", "/slots?from=2031-04-07&to=2031-04-08")]
    [InlineData("GET", "/appointments?date=2031-04-07")]
    public async Task A_doctor_in_the_path_follows_the_doctor_field_rule(string method, string route)
    {
        foreach (var doctor in new[] { "dr%20house", "dr%24house", new string('d', 129), "%ED%A0%80" })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), $"/api/doctors/{doctor}{route}");
            if (method == "PUT")
            {
                request.Content = new StringContent(Valid, Encoding.UTF8, "application/json");
            }

            var problem = await ShouldBeProblem(await Admin().SendAsync(request), HttpStatusCode.BadRequest, "Invalid request");
            problem.GetProperty("errors").TryGetProperty("doctor", out _).Should().BeTrue(doctor);
        }
    }

    [Fact]
    public async Task Every_route_needs_a_token()
    {
        var doctor = NewDoctor();
        var anonymous = App.Client();

        (await anonymous.GetAsync($"/api/doctors/{doctor}/schedule")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PutAsync($"/api/doctors/{doctor}/schedule", new StringContent(Valid))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/doctors/{doctor}/slots?from=2031-04-07&to=2031-04-08")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-07")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}

public sealed class EmbeddedScheduleApiTests(EmbeddedApp app) : ScheduleApiTests<EmbeddedApp>(app);

public sealed class DaprScheduleApiTests(DaprApp app) : ScheduleApiTests<DaprApp>(app);
