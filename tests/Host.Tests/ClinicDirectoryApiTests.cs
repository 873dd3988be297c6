using System.Net;

namespace Appointments.Host.Tests;

/// <summary>
/// API.md's "Availability" for a booking app's first screens: the doctors' directory, the first free slot across
/// doctors, an agenda over several days, and the patient's list by plain dates or "upcoming". The host's clock starts
/// on Saturday 2031-03-01.
/// </summary>
public abstract class ClinicDirectoryApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string MondayMorning = """{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "10:00"}]}}""";

    [Fact]
    public async Task The_directory_lists_each_doctor_with_a_schedule_and_their_first_free_slot_within_a_month()
    {
        var open = await DoctorWithSchedule(MondayMorning);
        var closed = await DoctorWithSchedule("""
            {"slot_minutes": 20, "weekly": {"monday": [{"start": "09:00", "end": "10:00"}]},
             "closed": ["2031-03-03", "2031-03-10", "2031-03-17", "2031-03-24", "2031-03-31"]}
            """);
        await BookOk(App.NewPatient(out _), Booking(open, "2031-03-03 09:00:00"));

        var directory = (await Json(await App.NewPatient(out _).GetAsync("/api/doctors"))).EnumerateArray()
            .ToDictionary(d => d.GetProperty("doctor").GetString()!);

        directory[open].GetProperty("slot_minutes").GetInt32().Should().Be(30);
        directory[open].GetProperty("time_zone").GetString().Should().Be("UTC");
        directory[open].GetProperty("next_free").GetProperty("date_time").GetString().Should().Be("2031-03-03 09:30:00", "09:00 is booked");
        directory[closed].GetProperty("next_free").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "every Monday of the month is closed");
    }

    [Fact]
    public async Task First_available_lists_every_doctors_free_slots_by_start_each_with_its_doctor()
    {
        var (first, second) = (await DoctorWithSchedule(MondayMorning), await DoctorWithSchedule("""{"slot_minutes": 20, "weekly": {"monday": [{"start": "09:00", "end": "09:20"}]}}"""));

        var response = await App.NewPatient(out _).GetAsync("/api/slots?from=2031-03-03&to=2031-03-03");
        var slots = (await Json(response)).EnumerateArray()
            .Where(s => s.GetProperty("doctor").GetString() is var d && (d == first || d == second))
            .Select(s => $"{s.GetProperty("date_time").GetString()} {s.GetProperty("doctor").GetString()} {s.GetProperty("duration_minutes").GetInt32()}")
            .ToList();

        slots.Should().Equal(
            $"2031-03-03 09:00:00 {Order(first, second)[0]} {(Order(first, second)[0] == first ? 30 : 20)}",
            $"2031-03-03 09:00:00 {Order(first, second)[1]} {(Order(first, second)[1] == first ? 30 : 20)}",
            $"2031-03-03 09:30:00 {first} 30");
        await ShouldBeProblem(await App.NewPatient(out _).GetAsync("/api/slots?from=2031-03-03&to=2031-03-10"), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task An_agenda_covers_a_range_of_days_in_order_and_at_most_31()
    {
        var doctor = NewDoctor();
        var later = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-03-06 11:00:00"));
        var earlier = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-03-04 10:00:00"));
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-03-09 10:00:00"));

        var agenda = await Json(await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?from=2031-03-04&to=2031-03-08"));

        agenda.EnumerateArray().Select(a => a.GetProperty("_id").GetString()).Should().Equal(earlier, later);
        await ShouldBeProblem(await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?from=2031-03-04&to=2031-04-30"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_patients_list_takes_plain_dates_as_whole_days_and_upcoming_as_from_now()
    {
        var patient = App.NewPatient(out var name);
        var doctor = NewDoctor();
        var ids = new List<string>();
        foreach (var day in new[] { "2031-03-05", "2031-03-06", "2031-03-07" })
        {
            ids.Add(await BookOk(patient, Booking(doctor, $"{day} 23:30:00")));
        }

        var oneDay = await List(patient, "?from=2031-03-06&to=2031-03-06");
        App.Clock.Advance(TimeSpan.FromDays(5));
        List<System.Text.Json.JsonElement> upcoming;
        try
        {
            // Signed in again: tokens live minutes on the host's clock.
            upcoming = await List(App.Client(App.Token(name)), "?upcoming=true");
        }
        finally
        {
            App.Clock.Advance(TimeSpan.FromDays(-5));
        }

        oneDay.Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids[1]);
        upcoming.Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids[1..], "2031-03-06 is the host's today now: the 5th has passed");
        await ShouldBeProblem(await patient.GetAsync("/api/appointments?upcoming=soon"), HttpStatusCode.BadRequest, "Invalid request");
    }

    private static string[] Order(string a, string b) => string.CompareOrdinal(a, b) < 0 ? [a, b] : [b, a];
}

public sealed class EmbeddedClinicDirectoryApiTests(EmbeddedApp app) : ClinicDirectoryApiTests<EmbeddedApp>(app);

public sealed class DaprClinicDirectoryApiTests(DaprApp app) : ClinicDirectoryApiTests<DaprApp>(app);
