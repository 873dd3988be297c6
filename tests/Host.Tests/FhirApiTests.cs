using System.Net;
using System.Net.Http.Json;
using R4 = Hl7.Fhir.Model;

namespace Appointments.Host.Tests;

/// <summary>API.md's "FHIR R4": read-only Appointment and Slot views, valid R4, with the visibility of /api.</summary>
public abstract class FhirApiTests<TApp>(TApp app) : DoctorsTestBase<TApp>(app)
    where TApp : AppFixture
{
    private const string Monday = """
        {"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "15:00"}]}}
        """;

    [Fact]
    public async Task An_appointment_reads_as_a_valid_R4_appointment_with_its_times_participants_and_duration()
    {
        var patient = App.NewPatient(out var username);
        var doctor = NewDoctor();
        var body = Booking(doctor, "2031-04-07 09:00:00");
        body["duration_minutes"] = 45;
        var id = await BookOk(patient, body);

        var response = await patient.GetAsync($"/fhir/Appointment/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var appointment = await FhirR4.ValidAsync<R4.Appointment>(response);
        appointment.Id.Should().Be(id);
        appointment.Status.Should().Be(R4.Appointment.AppointmentStatus.Booked);
        FhirR4.Text(appointment.StartElement).Should().Be("2031-04-07T09:00:00+00:00");
        FhirR4.Text(appointment.EndElement).Should().Be("2031-04-07T09:45:00+00:00");
        appointment.MinutesDuration.Should().Be(45);
        appointment.Participant.Select(p => p.Actor!.Reference).Should().Equal($"Patient/{username}", $"Practitioner/{doctor}");
        appointment.CancelationReason.Should().BeNull();
    }

    [Theory]
    [InlineData("scheduled", "booked")]
    [InlineData("rescheduled", "booked")]
    [InlineData("cancelled", "cancelled")]
    [InlineData("completed", "fulfilled")]
    [InlineData("no_show", "noshow")]
    public async Task Every_status_maps_to_its_R4_appointment_status(string status, string fhirStatus)
    {
        App.NewPatient(out var username);
        var doctor = NewDoctor();
        var id = await BookOk(App.Client(App.Token(username)), Booking(doctor, FromNow(TimeSpan.FromHours(2))));
        switch (status)
        {
            case "rescheduled":
                (await App.Client(App.Token(username)).PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = FromNow(TimeSpan.FromDays(2)) })).EnsureSuccessStatusCode();
                break;
            case "cancelled":
                (await App.Client(App.Token(username)).PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = "Feeling better" })).EnsureSuccessStatusCode();
                break;
            case "completed" or "no_show":
                App.Clock.Advance(TimeSpan.FromHours(3));
                (await Doctor(doctor).PutAsJsonAsync($"/api/appointments/{id}", new { status })).EnsureSuccessStatusCode();
                break;
        }

        var appointment = await FhirR4.ValidAsync<R4.Appointment>(await App.Client(App.Token(username)).GetAsync($"/fhir/Appointment/{id}"));

        Hl7.Fhir.Utility.EnumUtility.GetLiteral(appointment.Status).Should().Be(fhirStatus);
        (appointment.CancelationReason?.Text).Should().Be(status == "cancelled" ? "Feeling better" : null);
        (await Get(App.Client(App.Token(username)), id)).GetProperty("status").GetString().Should().Be(status);
    }

    [Fact]
    public async Task An_appointment_is_read_by_whoever_may_read_it_in_api_and_is_not_found_for_anyone_else()
    {
        var patient = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(patient, Booking(doctor, "2031-04-07 10:00:00"));

        var byOtherPatient = await App.NewPatient(out _).GetAsync($"/fhir/Appointment/{id}");
        var byOtherDoctor = await Doctor(NewDoctor()).GetAsync($"/fhir/Appointment/{id}");

        (await Outcome(byOtherPatient, HttpStatusCode.NotFound)).Code.Should().Be(R4.OperationOutcome.IssueType.NotFound);
        await Outcome(byOtherDoctor, HttpStatusCode.NotFound);
        (await Doctor(doctor).GetAsync($"/fhir/Appointment/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Admin().GetAsync($"/fhir/Appointment/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Errors_are_operation_outcomes_with_the_status_of_api()
    {
        var patient = App.NewPatient(out _);

        var anonymous = await App.Client().GetAsync("/fhir/Appointment/65f1c2a9e4b0a1b2c3d4e5f6");
        var badToken = await App.Client("not-a-token").GetAsync("/fhir/Slot?schedule=Schedule/dr-x&start=ge2031-04-07&start=lt2031-04-08");
        var unknown = await patient.GetAsync("/fhir/Appointment/65f1c2a9e4b0a1b2c3d4e5f6");
        var noSchedule = await patient.GetAsync($"/fhir/Slot?schedule=Schedule/{NewDoctor()}&start=ge2031-04-07&start=lt2031-04-08");
        var badRange = await patient.GetAsync("/fhir/Appointment?date=ge2031-04-07");

        (await Outcome(anonymous, HttpStatusCode.Unauthorized)).Code.Should().Be(R4.OperationOutcome.IssueType.Login);
        anonymous.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
        await Outcome(badToken, HttpStatusCode.Unauthorized);
        (await Outcome(unknown, HttpStatusCode.NotFound)).Details!.Text.Should().Be("Appointment not found");
        (await Outcome(noSchedule, HttpStatusCode.NotFound)).Details!.Text.Should().Be("Schedule not found");
        (await Outcome(badRange, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("date:");
    }

    [Fact]
    public async Task An_unreachable_store_is_a_503_operation_outcome_with_retry_after()
    {
        var patient = App.NewPatient(out _);
        App.Store.Down = true;
        try
        {
            var response = await patient.GetAsync("/fhir/Appointment?date=ge2031-04-01&date=lt2031-05-01");

            (await Outcome(response, HttpStatusCode.ServiceUnavailable)).Code.Should().Be(R4.OperationOutcome.IssueType.Transient);
            response.Headers.RetryAfter.Should().NotBeNull();
        }
        finally
        {
            App.Store.Down = false;
        }
    }

    [Theory]
    [InlineData("date=ge2031-04-01")]
    [InlineData("date=lt2031-04-01")]
    [InlineData("date=ge2031-04-01&date=ge2031-04-02&date=lt2031-04-03")]
    [InlineData("date=gt2031-04-01&date=lt2031-04-03")]
    [InlineData("date=ge2031-04-31&date=lt2031-05-03")]
    [InlineData("date=ge2031-04-03&date=lt2031-04-01")]
    [InlineData("date=ge2031-04-01&date=lt2031-05-03")]
    [InlineData("date=ge%D9%A2%D9%A0%D9%A3%D9%A1-04-01&date=lt2031-04-03")]
    [InlineData("date=ge0001-01-01&date=lt9999-12-31")]
    public async Task A_search_takes_one_ge_and_one_lt_at_most_31_days_apart(string query)
    {
        var response = await App.NewPatient(out _).GetAsync($"/fhir/Appointment?{query}");

        (await Outcome(response, HttpStatusCode.BadRequest)).Code.Should().Be(R4.OperationOutcome.IssueType.Invalid);
    }

    [Fact]
    public async Task A_patient_searches_their_own_appointments_in_a_range_cancelled_ones_included()
    {
        var patient = App.NewPatient(out var username);
        var doctor = NewDoctor();
        var later = await BookOk(patient, Booking(doctor, "2031-04-20 10:00:00"));
        var earlier = await BookOk(patient, Booking(NewDoctor(), "2031-04-03 10:00:00"));
        var cancelled = await BookOk(patient, Booking(doctor, "2031-04-10 10:00:00"));
        await BookOk(patient, Booking(doctor, "2031-05-10 10:00:00"));
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-11 10:00:00"));
        (await patient.PostAsync($"/api/appointments/{cancelled}/cancel", null)).EnsureSuccessStatusCode();

        var response = await patient.GetAsync("/fhir/Appointment?date=ge2031-04-01&date=lt2031-05-01");

        var bundle = await FhirR4.ValidAsync<R4.Bundle>(response);
        bundle.Type.Should().Be(R4.Bundle.BundleType.Searchset);
        bundle.Total.Should().Be(3);
        bundle.Entry.Select(e => e.Resource!.Id).Should().Equal(earlier, cancelled, later);
        bundle.Entry.Should().OnlyContain(e => e.FullUrl!.EndsWith($"/fhir/Appointment/{e.Resource!.Id}", StringComparison.Ordinal) && e.Search!.Mode == R4.Bundle.SearchEntryMode.Match);
        bundle.Entry.Select(e => ((R4.Appointment)e.Resource!).Participant[0].Actor!.Reference).Should().OnlyContain(r => r == $"Patient/{username}");
    }

    [Fact]
    public async Task A_doctor_searches_their_own_and_an_admin_names_the_patient_or_practitioner()
    {
        var doctor = NewDoctor();
        var alice = App.NewPatient(out var aliceName);
        var fromAlice = await BookOk(alice, Booking(doctor, "2031-04-08 09:00:00"));
        var withOther = await BookOk(alice, Booking(NewDoctor(), "2031-04-09 09:00:00"));
        var fromBob = await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 09:00:00"));
        const string range = "date=ge2031-04-07&date=lt2031-04-14";

        var byDoctor = await FhirR4.ValidAsync<R4.Bundle>(await Doctor(doctor).GetAsync($"/fhir/Appointment?{range}"));
        var byDoctorForAlice = await FhirR4.ValidAsync<R4.Bundle>(await Doctor(doctor).GetAsync($"/fhir/Appointment?{range}&patient=Patient/{aliceName}"));
        var byAdminForDoctor = await FhirR4.ValidAsync<R4.Bundle>(await Admin().GetAsync($"/fhir/Appointment?{range}&practitioner=Practitioner/{doctor}"));
        var byAdminForAlice = await FhirR4.ValidAsync<R4.Bundle>(await Admin().GetAsync($"/fhir/Appointment?{range}&patient={aliceName}"));
        var byAliceWithDoctor = await FhirR4.ValidAsync<R4.Bundle>(await alice.GetAsync($"/fhir/Appointment?{range}&practitioner={doctor}"));
        var byAdminForNoOne = await Admin().GetAsync($"/fhir/Appointment?{range}");

        byDoctor.Entry.Select(e => e.Resource!.Id).Should().Equal(fromBob, fromAlice);
        byDoctorForAlice.Entry.Select(e => e.Resource!.Id).Should().Equal(fromAlice);
        byAdminForDoctor.Entry.Select(e => e.Resource!.Id).Should().Equal(fromBob, fromAlice);
        byAdminForAlice.Entry.Select(e => e.Resource!.Id).Should().Equal(fromAlice, withOther);
        byAliceWithDoctor.Entry.Select(e => e.Resource!.Id).Should().Equal(fromAlice);
        (await Outcome(byAdminForNoOne, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("patient:");
    }

    [Fact]
    public async Task Free_slots_are_a_searchset_of_valid_free_R4_slots_matching_api()
    {
        var doctor = NewDoctor();
        await PutScheduleOk(Doctor(doctor), doctor, Monday);
        await BookOk(App.NewPatient(out _), Booking(doctor, "2031-04-07 10:00:00"));

        var response = await App.NewPatient(out _).GetAsync($"/fhir/Slot?schedule=Schedule/{doctor}&start=ge2031-04-07&start=lt2031-04-08");

        var bundle = await FhirR4.ValidAsync<R4.Bundle>(response);
        var slots = bundle.Entry.Select(e => e.Resource).Cast<R4.Slot>().ToList();
        bundle.Type.Should().Be(R4.Bundle.BundleType.Searchset);
        slots.Should().HaveCount(9).And.OnlyContain(s => s.Status == R4.Slot.SlotStatus.Free && s.Schedule!.Reference == $"Schedule/{doctor}");
        slots.Select(s => FhirR4.Text(s.StartElement)[..19].Replace('T', ' ')).Should().Equal((await Slots(doctor, "2031-04-07", "2031-04-07")).Select(s => s.Split('–')[0]));
        bundle.Entry.Should().OnlyContain(e => e.FullUrl == $"urn:uuid:{e.Resource!.Id}");
    }

    [Fact]
    public async Task A_slot_search_for_a_visit_type_lists_its_lengths_and_names_it_as_service_type()
    {
        var doctor = NewDoctor();
        await PutScheduleOk(Doctor(doctor), doctor, """
            {"slot_minutes": 20, "weekly": {"monday": [{"start": "09:00", "end": "10:00"}]}, "visit_types": [{"code": "new-patient", "minutes": 40}]}
            """);
        var patient = App.NewPatient(out _);

        var response = await patient.GetAsync($"/fhir/Slot?schedule=Schedule/{doctor}&start=ge2031-04-07&start=lt2031-04-08&service-type=new-patient");
        var unknown = await patient.GetAsync($"/fhir/Slot?schedule=Schedule/{doctor}&start=ge2031-04-07&start=lt2031-04-08&service-type=x-ray");

        var slots = (await FhirR4.ValidAsync<R4.Bundle>(response)).Entry.Select(e => e.Resource).Cast<R4.Slot>().ToList();
        slots.Select(s => $"{FhirR4.Text(s.StartElement)[11..16]}–{FhirR4.Text(s.EndElement)[11..16]}").Should().Equal("09:00–09:40", "09:20–10:00");
        slots.Should().OnlyContain(s => s.ServiceType.Single().Coding.Single().Code == "new-patient");
        (await Outcome(unknown, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("service-type:");
    }

    [Fact]
    public async Task A_slot_search_names_a_schedule_and_a_range()
    {
        var patient = App.NewPatient(out _);

        var noSchedule = await patient.GetAsync("/fhir/Slot?start=ge2031-04-07&start=lt2031-04-08");
        var badDoctor = await patient.GetAsync("/fhir/Slot?schedule=Schedule/dr%20x&start=ge2031-04-07&start=lt2031-04-08");
        var tooLong = await patient.GetAsync("/fhir/Slot?schedule=Schedule/dr-x&start=ge2031-04-07&start=lt2031-05-09");

        (await Outcome(noSchedule, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("schedule:");
        (await Outcome(badDoctor, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("schedule:");
        (await Outcome(tooLong, HttpStatusCode.BadRequest)).Diagnostics.Should().StartWith("start:");
    }

    private static async Task<R4.OperationOutcome.IssueComponent> Outcome(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        var outcome = await FhirR4.ValidAsync<R4.OperationOutcome>(response);
        return outcome.Issue.Should().ContainSingle().Subject;
    }
}

public sealed class EmbeddedFhirApiTests(EmbeddedApp app) : FhirApiTests<EmbeddedApp>(app);

public sealed class DaprFhirApiTests(DaprApp app) : FhirApiTests<DaprApp>(app);
