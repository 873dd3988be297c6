using System.Net;

namespace Appointments.Host.Tests;

/// <summary>Free slots in Europe/Berlin, whose clocks go forward on 2031-03-30 and back on 2031-10-26 (both Sundays).</summary>
public sealed class AvailabilityDstApiTests(BerlinApp app) : DoctorsTestBase<BerlinApp>(app)
{
    private const string NightAndMorning = """
        {"slot_minutes": 30, "weekly": {
           "saturday": [{"start": "09:00", "end": "10:00"}],
           "sunday": [{"start": "01:00", "end": "04:00"}, {"start": "09:00", "end": "10:00"}],
           "monday": [{"start": "09:00", "end": "10:00"}]}}
        """;

    [Fact]
    public async Task Wall_clock_hours_stay_put_across_the_spring_change_and_the_skipped_hour_has_no_slots()
    {
        var doctor = await DoctorWithSchedule(NightAndMorning);

        var slots = await Slots(doctor, "2031-03-29", "2031-03-31");

        slots.Should().Equal(
            "2031-03-29 09:00:00–2031-03-29 09:30:00",
            "2031-03-29 09:30:00–2031-03-29 10:00:00",
            "2031-03-30 01:00:00–2031-03-30 01:30:00",
            "2031-03-30 01:30:00–2031-03-30 03:00:00",
            "2031-03-30 03:00:00–2031-03-30 03:30:00",
            "2031-03-30 03:30:00–2031-03-30 04:00:00",
            "2031-03-30 09:00:00–2031-03-30 09:30:00",
            "2031-03-30 09:30:00–2031-03-30 10:00:00",
            "2031-03-31 09:00:00–2031-03-31 09:30:00",
            "2031-03-31 09:30:00–2031-03-31 10:00:00");
    }

    [Fact]
    public async Task On_the_autumn_change_the_repeated_hours_slots_are_listed_once()
    {
        var doctor = await DoctorWithSchedule(NightAndMorning);

        var slots = await Slots(doctor, "2031-10-26", "2031-10-26");

        slots.Select(s => s.Split('–')[0]).Should().Equal(
            "2031-10-26 01:00:00", "2031-10-26 01:30:00", "2031-10-26 02:00:00", "2031-10-26 02:30:00",
            "2031-10-26 03:00:00", "2031-10-26 03:30:00", "2031-10-26 09:00:00", "2031-10-26 09:30:00");
    }

    [Theory]
    [InlineData("2031-03-29 09:00:00", "2031-03-29T09:00:00+01:00")]
    [InlineData("2031-03-30 01:30:00", "2031-03-30T01:30:00+01:00")]
    [InlineData("2031-03-30 09:00:00", "2031-03-30T09:00:00+02:00")]
    [InlineData("2031-10-26 02:30:00", "2031-10-26T02:30:00+02:00")]
    [InlineData("2031-10-26 09:00:00", "2031-10-26T09:00:00+01:00")]
    public async Task A_slot_on_either_side_of_a_change_books_at_its_local_time(string slot, string start)
    {
        var doctor = await DoctorWithSchedule(NightAndMorning);
        var patient = App.NewPatient(out _);
        (await Slots(doctor, slot[..10], slot[..10])).Should().Contain(s => s.StartsWith(slot, StringComparison.Ordinal));

        var id = await BookOk(patient, Booking(doctor, slot));

        (await Get(patient, id)).GetProperty("start").GetString().Should().Be(start);
        (await Slots(doctor, slot[..10], slot[..10])).Should().NotContain(s => s.StartsWith(slot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_second_occurrence_of_the_repeated_hour_is_inside_the_window_though_not_listed()
    {
        var doctor = await DoctorWithSchedule(NightAndMorning);

        var response = await Book(App.NewPatient(out _), Booking(doctor, "2031-10-26T02:00:00+01:00"));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_FHIR_view_gives_times_with_the_clinics_offset_of_that_day()
    {
        var patient = App.NewPatient(out _);
        var winter = await BookOk(patient, Booking(NewDoctor(), "2031-03-28 09:00:00"));
        var summer = await BookOk(patient, Booking(NewDoctor(), "2031-03-31 09:00:00"));

        var before = await FhirR4.ValidAsync<Hl7.Fhir.Model.Appointment>(await patient.GetAsync($"/fhir/Appointment/{winter}"));
        var after = await FhirR4.ValidAsync<Hl7.Fhir.Model.Appointment>(await patient.GetAsync($"/fhir/Appointment/{summer}"));

        FhirR4.Text(before.StartElement).Should().Be("2031-03-28T09:00:00+01:00");
        FhirR4.Text(after.StartElement).Should().Be("2031-03-31T09:00:00+02:00");
        FhirR4.Text(after.EndElement).Should().Be("2031-03-31T09:30:00+02:00");
    }

    [Fact]
    public async Task Visit_types_and_the_buffer_are_measured_in_real_minutes_across_the_spring_change()
    {
        var doctor = await DoctorWithSchedule("""
            {"slot_minutes": 30, "buffer_minutes": 15, "weekly": {"sunday": [{"start": "01:00", "end": "04:00"}]},
             "visit_types": [{"code": "long", "minutes": 60}, {"code": "short", "minutes": 30}]}
            """);
        var before = await Slots(doctor, "2031-03-30", "2031-03-30", "long");
        var booking = Booking(doctor, "2031-03-30 01:00:00");
        booking["visit_type"] = "short";

        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, booking);

        before.Should().Equal(
            "2031-03-30 01:00:00–2031-03-30 03:00:00", "2031-03-30 01:30:00–2031-03-30 03:30:00", "2031-03-30 03:00:00–2031-03-30 04:00:00");
        (await Get(patient, id)).GetProperty("end").GetString().Should().Be("2031-03-30T01:30:00+01:00");
        (await Slots(doctor, "2031-03-30", "2031-03-30", "long")).Should().Equal("2031-03-30 03:00:00–2031-03-30 04:00:00");
        (await Slots(doctor, "2031-03-30", "2031-03-30")).Should().Equal(
            "2031-03-30 03:00:00–2031-03-30 03:30:00", "2031-03-30 03:30:00–2031-03-30 04:00:00");
        var inBuffer = await Book(App.NewPatient(out _), Booking(doctor, "2031-03-30 01:30:00"));
        (await ShouldBeProblem(inBuffer, HttpStatusCode.Conflict)).GetProperty("code").GetString().Should().Be("doctor_booked");
    }
}
