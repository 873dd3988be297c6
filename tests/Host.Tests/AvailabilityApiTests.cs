using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Availability": free slots, bookings inside a schedule, and the doctor's agenda.</summary>
public abstract class AvailabilityApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    // 2031-04-07 is a Monday; that week's Wednesday, 2031-04-09, is closed.
    private const string Week = """
        {"slot_minutes": 30,
         "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "15:00"}],
                    "wednesday": [{"start": "09:00", "end": "11:00"}],
                    "friday": [{"start": "09:00", "end": "11:00"}]},
         "closed": ["2031-04-09"]}
        """;

    private const string AllDay = """{"slot_minutes": 30, "weekly": {"sunday": [{"start": "00:00", "end": "24:00"}], "monday": [{"start": "00:00", "end": "24:00"}], "tuesday": [{"start": "00:00", "end": "24:00"}], "wednesday": [{"start": "00:00", "end": "24:00"}], "thursday": [{"start": "00:00", "end": "24:00"}], "friday": [{"start": "00:00", "end": "24:00"}], "saturday": [{"start": "00:00", "end": "24:00"}]}}""";

    [Fact]
    public async Task Booking_a_listed_slot_by_sending_its_date_time_back_takes_that_slot_and_never_the_next()
    {
        var doctor = await DoctorWithSchedule("""{"slot_minutes": 20, "weekly": {"monday": [{"start": "10:00", "end": "11:00"}]}}""");
        var slot = (await Json(await App.NewPatient(out _).GetAsync($"/api/doctors/{doctor}/slots?from=2031-04-07&to=2031-04-07"))).EnumerateArray().First();

        var booked = await Json(await Book(App.NewPatient(out _), Booking(doctor, slot.GetProperty("date_time").GetString()!)));

        booked.GetProperty("appointment").GetProperty("duration_minutes").GetInt32().Should().Be(20, "without duration_minutes a visit lasts one of the doctor's slots");
        booked.GetProperty("appointment").GetProperty("start").GetString().Should().Be(slot.GetProperty("start").GetString());
        (await Slots(doctor, "2031-04-07", "2031-04-07")).Should().Equal("2031-04-07 10:20:00–2031-04-07 10:40:00", "2031-04-07 10:40:00–2031-04-07 11:00:00");
    }

    [Fact]
    public async Task Free_slots_of_a_known_week_are_the_grid_less_closed_dates_and_the_time_appointments_hold()
    {
        var doctor = await DoctorWithSchedule(Week);
        var alice = App.NewPatient(out _);
        var long45 = Booking(doctor, "2031-04-07 09:30:00");
        long45["duration_minutes"] = 45;
        await BookOk(alice, long45);
        var cancelled = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 13:00:00"));
        (await Admin().PostAsync($"/api/appointments/{cancelled}/cancel", null)).EnsureSuccessStatusCode();

        var slots = await Slots(doctor, "2031-04-07", "2031-04-13");

        slots.Should().Equal(
            "2031-04-07 09:00:00–2031-04-07 09:30:00",
            "2031-04-07 10:30:00–2031-04-07 11:00:00",
            "2031-04-07 11:00:00–2031-04-07 11:30:00",
            "2031-04-07 11:30:00–2031-04-07 12:00:00",
            "2031-04-07 13:00:00–2031-04-07 13:30:00",
            "2031-04-07 13:30:00–2031-04-07 14:00:00",
            "2031-04-07 14:00:00–2031-04-07 14:30:00",
            "2031-04-07 14:30:00–2031-04-07 15:00:00",
            "2031-04-11 09:00:00–2031-04-11 09:30:00",
            "2031-04-11 09:30:00–2031-04-11 10:00:00",
            "2031-04-11 10:00:00–2031-04-11 10:30:00",
            "2031-04-11 10:30:00–2031-04-11 11:00:00");
    }

    [Fact]
    public async Task Every_listed_slot_can_be_booked_by_sending_its_start_back()
    {
        var doctor = await DoctorWithSchedule(Week);

        var slots = await Slots(doctor, "2031-04-07", "2031-04-13");
        var results = new List<HttpStatusCode>();
        foreach (var slot in slots)
        {
            results.Add((await Book(App.NewPatient(out _), Booking(doctor, slot.Split('–')[0]))).StatusCode);
        }

        results.Should().HaveCount(14).And.OnlyContain(s => s == HttpStatusCode.Created);
        (await Slots(doctor, "2031-04-07", "2031-04-13")).Should().BeEmpty();
    }

    [Fact]
    public async Task No_slot_starts_sooner_than_the_minimum_notice()
    {
        var doctor = await DoctorWithSchedule(AllDay);
        var before = App.Clock.GetUtcNow();

        var slots = await Slots(doctor, Date(before), Date(before.AddDays(1)));

        var first = Start(slots[0]);
        first.Should().BeOnOrAfter(before.AddHours(1)).And.BeBefore(App.Clock.GetUtcNow().AddHours(1).AddMinutes(30));
    }

    [Fact]
    public async Task No_slot_starts_beyond_the_horizon()
    {
        var doctor = await DoctorWithSchedule(AllDay);
        var horizon = App.Clock.GetUtcNow().AddDays(365);

        var slots = await Slots(doctor, Date(horizon.AddDays(-1)), Date(horizon.AddDays(1)));

        var last = Start(slots[^1]);
        last.Should().BeOnOrBefore(App.Clock.GetUtcNow().AddDays(365)).And.BeAfter(horizon.AddMinutes(-30));
    }

    [Theory]
    [InlineData("2031-04-01", "2031-05-01", HttpStatusCode.OK, null)]
    [InlineData("2031-04-01", "2031-05-02", HttpStatusCode.BadRequest, "to")]
    [InlineData("2031-04-02", "2031-04-01", HttpStatusCode.BadRequest, "to")]
    [InlineData("2031-04-01", "", HttpStatusCode.BadRequest, "to")]
    [InlineData("2031-4-01", "2031-04-02", HttpStatusCode.BadRequest, "from")]
    [InlineData("2031-02-30", "2031-03-02", HttpStatusCode.BadRequest, "from")]
    [InlineData("٢٠٣١-٠٤-٠١", "2031-04-02", HttpStatusCode.BadRequest, "from")]
    [InlineData("0000-01-01", "0000-01-02", HttpStatusCode.BadRequest, "from")]
    [InlineData("2031-04-01T00:00", "2031-04-02", HttpStatusCode.BadRequest, "from")]
    [InlineData("0001-01-01", "0001-01-31", HttpStatusCode.OK, null)]
    [InlineData("9999-12-01", "9999-12-31", HttpStatusCode.OK, null)]
    public async Task A_search_covers_at_most_31_days_of_real_dates(string from, string to, HttpStatusCode status, string? field)
    {
        var doctor = await DoctorWithSchedule(AllDay);

        var response = await App.NewPatient(out _).GetAsync($"/api/doctors/{doctor}/slots?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");

        if (field is null)
        {
            response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
            return;
        }

        (await ShouldBeProblem(response, status, "Invalid request")).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_doctor_without_a_schedule_has_no_slots_to_list()
    {
        await ShouldBeProblem(await App.NewPatient(out _).GetAsync($"/api/doctors/{NewDoctor()}/slots?from=2031-04-07&to=2031-04-07"), HttpStatusCode.NotFound, "Schedule not found");
    }

    [Theory]
    [InlineData("2031-04-07 09:00:00", 30, HttpStatusCode.Created)]
    [InlineData("2031-04-07 11:30:00", 30, HttpStatusCode.Created)]
    [InlineData("2031-04-07 09:10:00", 20, HttpStatusCode.Created)]
    [InlineData("2031-04-07 08:30:00", 30, HttpStatusCode.Conflict)]
    [InlineData("2031-04-07 08:45:00", 30, HttpStatusCode.Conflict)]
    [InlineData("2031-04-07 11:45:00", 30, HttpStatusCode.Conflict)]
    [InlineData("2031-04-07 11:30:00", 60, HttpStatusCode.Conflict)]
    [InlineData("2031-04-07 12:00:00", 30, HttpStatusCode.Conflict)]
    [InlineData("2031-04-08 10:00:00", 30, HttpStatusCode.Conflict)]
    [InlineData("2031-04-09 10:00:00", 30, HttpStatusCode.Conflict)]
    public async Task A_booking_must_lie_wholly_inside_a_window_of_an_open_day(string at, int minutes, HttpStatusCode expected)
    {
        var doctor = await DoctorWithSchedule(Week);
        var body = Booking(doctor, at);
        body["duration_minutes"] = minutes;

        var response = await Book(App.NewPatient(out _), body);

        if (expected == HttpStatusCode.Created)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        else
        {
            await ShouldBeProblem(response, HttpStatusCode.Conflict, "Doctor is not available at this time");
        }
    }

    [Fact]
    public async Task Admins_too_book_only_inside_the_hours()
    {
        var doctor = await DoctorWithSchedule(Week);
        App.NewPatient(out var patient);
        var body = Booking(doctor, "2031-04-07 18:00:00");
        body["username"] = patient;

        await ShouldBeProblem(await Book(Admin(), body), HttpStatusCode.Conflict, "Doctor is not available at this time");
    }

    [Fact]
    public async Task Moves_new_doctors_and_un_cancels_must_fit_the_hours_too()
    {
        var doctor = await DoctorWithSchedule(Week);
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(doctor, "2031-04-07 09:00:00"));
        var elsewhere = await BookOk(patient, Booking(NewDoctor(), "2031-04-07 20:00:00"));
        var restoring = await BookOk(patient, Booking(NewDoctor(), "2031-04-08 07:00:00"));
        (await patient.PostAsync($"/api/appointments/{restoring}/cancel", null)).EnsureSuccessStatusCode();
        (await patient.PutAsJsonAsync($"/api/appointments/{restoring}", new { doctor })).StatusCode.Should().Be(HttpStatusCode.OK, "a cancelled appointment takes no time");

        var rescheduled = await patient.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = "2031-04-07 12:30:00" });
        var longer = await patient.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = "2031-04-07 11:30:00", duration_minutes = 60 });
        var newDoctor = await patient.PutAsJsonAsync($"/api/appointments/{elsewhere}", new { doctor });
        var uncancelled = await patient.PutAsJsonAsync($"/api/appointments/{restoring}", new { status = "scheduled" });
        var inside = await patient.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = "2031-04-11 10:00:00" });

        await ShouldBeProblem(rescheduled, HttpStatusCode.Conflict, "Doctor is not available at this time");
        await ShouldBeProblem(longer, HttpStatusCode.Conflict, "Doctor is not available at this time");
        await ShouldBeProblem(newDoctor, HttpStatusCode.Conflict, "Doctor is not available at this time");
        await ShouldBeProblem(uncancelled, HttpStatusCode.Conflict, "Doctor is not available at this time");
        inside.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Of_twenty_patients_racing_for_one_listed_slot_exactly_one_gets_it()
    {
        var doctor = await DoctorWithSchedule(Week);
        var slot = (await Slots(doctor, "2031-04-11", "2031-04-11"))[0].Split('–')[0];
        var patients = Enumerable.Range(0, 20).Select(_ => App.NewPatient(out string _)).ToList();

        var results = await Race(patients.Count, i => Book(patients[i], Booking(doctor, slot)));

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(19);
        (await Slots(doctor, "2031-04-11", "2031-04-11")).Should().NotContain(s => s.StartsWith(slot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Thirty_two_patients_booking_different_times_of_one_doctors_day_at_once_all_get_them()
    {
        var doctor = await DoctorWithSchedule(AllDay);
        var patients = Enumerable.Range(0, 32).Select(_ => App.NewPatient(out string _)).ToList();
        var bodies = Enumerable.Range(0, 32).Select(i => Booking(doctor, $"2031-04-15 {8 + (i / 4):00}:{i % 4 * 15:00}:00")).ToList();
        bodies.ForEach(b => b["duration_minutes"] = 15);

        var results = await Race(patients.Count, i => Book(patients[i], bodies[i]));

        results.Should().OnlyContain(s => s == HttpStatusCode.Created, "they share the day's index key, whose conflicts are retried, never reported");
        (await Agenda(Admin(), doctor, "2031-04-15")).Should().HaveCount(32);
    }

    [Fact]
    public async Task A_new_schedule_keeps_earlier_bookings_and_the_agenda_shows_them()
    {
        var doctor = NewDoctor();
        var patient = App.NewPatient(out _);
        var early = await BookOk(patient, Booking(doctor, "2031-04-07 07:00:00"));

        await PutScheduleOk(Doctor(doctor), doctor, Week);
        var agenda = await Agenda(Doctor(doctor), doctor, "2031-04-07");

        agenda.Select(a => a.GetProperty("_id").GetString()).Should().Equal(early);
        (await Get(patient, early)).GetProperty("status").GetString().Should().Be("scheduled");
        (await Slots(doctor, "2031-04-07", "2031-04-07")).Should().HaveCount(10, "07:00 is outside the hours, so no slot is taken");
    }

    [Fact]
    public async Task The_agenda_lists_the_days_appointments_in_order_with_cancelled_ones_and_without_deleted_ones()
    {
        var doctor = await DoctorWithSchedule(Week);
        var late = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 14:00:00"));
        var early = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 09:00:00"));
        var middle = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 11:00:00"));
        var gone = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 13:00:00"));
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-11 09:00:00"));
        (await Admin().PostAsync($"/api/appointments/{middle}/cancel", null)).EnsureSuccessStatusCode();
        (await Admin().DeleteAsync($"/api/appointments/{gone}")).EnsureSuccessStatusCode();

        var agenda = await Agenda(Doctor(doctor), doctor, "2031-04-07");

        agenda.Select(a => a.GetProperty("_id").GetString()).Should().Equal(early, middle, late);
        agenda.Select(a => a.GetProperty("status").GetString()).Should().Equal("scheduled", "cancelled", "scheduled");
        agenda[0].GetProperty("date_time").GetString().Should().Be("2031-04-07 09:00:00");
    }

    [Fact]
    public async Task A_moved_appointment_leaves_its_old_day_and_doctor_for_the_new_ones()
    {
        var (first, second) = (await DoctorWithSchedule(Week), await DoctorWithSchedule(Week));
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(first, "2031-04-07 09:00:00"));

        (await patient.PutAsJsonAsync($"/api/appointments/{id}", new { doctor = second, date_time = "2031-04-11 09:00:00" })).EnsureSuccessStatusCode();

        (await Agenda(Admin(), first, "2031-04-07")).Should().BeEmpty();
        (await Agenda(Admin(), second, "2031-04-11")).Select(a => a.GetProperty("_id").GetString()).Should().Equal(id);
        (await Slots(first, "2031-04-07", "2031-04-07")).Should().HaveCount(10);
    }

    [Fact]
    public async Task Agenda_and_slots_answered_again_show_a_change_made_in_between()
    {
        var doctor = await DoctorWithSchedule(Week);
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(doctor, "2031-04-07 09:00:00"));
        var first = await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-07");
        var again = await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-07");
        (await again.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        again.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var slots = await Slots(doctor, "2031-04-07", "2031-04-07");

        (await patient.PutAsJsonAsync($"/api/appointments/{id}", new { phone = "+15555550100" })).EnsureSuccessStatusCode();
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 10:00:00"));

        var agenda = await Agenda(Doctor(doctor), doctor, "2031-04-07");
        agenda.Should().HaveCount(2);
        agenda[0].GetProperty("phone").GetString().Should().Be("+15555550100");
        (await Slots(doctor, "2031-04-07", "2031-04-07")).Should().HaveCount(slots.Count - 1);
    }

    [Fact]
    public async Task Only_the_doctor_themself_or_an_admin_reads_the_agenda()
    {
        var doctor = await DoctorWithSchedule(Week);
        var patient = App.NewPatient(out _);
        await BookOk(patient, Booking(doctor, "2031-04-07 09:00:00"));

        await ShouldBeProblem(await patient.GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-07"), HttpStatusCode.Forbidden, "Not allowed to see this doctor's appointments");
        await ShouldBeProblem(await Doctor(NewDoctor()).GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-07"), HttpStatusCode.Forbidden);
        (await Agenda(Doctor(doctor), doctor, "2031-04-07")).Should().HaveCount(1);
        (await Agenda(Admin(), doctor, "2031-04-07")).Should().HaveCount(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2031-04-31")]
    [InlineData("07.04.2031")]
    [InlineData("2031-04-07%00")]
    public async Task The_agenda_needs_a_real_date(string date)
    {
        var doctor = NewDoctor();

        var response = await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?date={date}");

        (await ShouldBeProblem(response, HttpStatusCode.BadRequest, "Invalid request")).GetProperty("errors").TryGetProperty("date", out _).Should().BeTrue();
    }

    private static async Task<List<System.Text.Json.JsonElement>> Agenda(HttpClient client, string doctor, string date)
    {
        var response = await client.GetAsync($"/api/doctors/{doctor}/appointments?date={date}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await Json(response)).EnumerateArray().ToList();
    }

    private static string Date(DateTimeOffset utc) => utc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Start(string slot) =>
        DateTimeOffset.ParseExact(slot.Split('–')[0] + "Z", "yyyy-MM-dd HH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

public sealed class EmbeddedAvailabilityApiTests(EmbeddedApp app) : AvailabilityApiTests<EmbeddedApp>(app);

public sealed class DaprAvailabilityApiTests(DaprApp app) : AvailabilityApiTests<DaprApp>(app);
