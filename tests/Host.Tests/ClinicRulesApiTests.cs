using System.Net;
using System.Net.Http.Json;
using Appointments.Booking.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Who may do what, and when": the role table, cancellation, patient overlap, notice and horizon.</summary>
public abstract class ClinicRulesApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task A_doctor_may_not_book()
    {
        var response = await Book(Doctor(NewDoctor()), Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        await ShouldBeProblem(response, HttpStatusCode.Forbidden, "Not allowed to make this change");
    }

    [Fact]
    public async Task A_doctor_may_cancel_with_a_reason_but_not_move_or_delete()
    {
        var patient = App.NewPatient(out _);
        var doctorName = NewDoctor();
        var doctor = Doctor(doctorName);
        var id = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromDays(3))));

        await ShouldBeProblem(await doctor.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = FromNow(TimeSpan.FromDays(4)) }), HttpStatusCode.Forbidden, "Not allowed to make this change");
        await ShouldBeProblem(await doctor.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = FromNow(TimeSpan.FromDays(4)) }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await doctor.PutAsJsonAsync($"/api/appointments/{id}", new { phone = "+15555550999" }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await doctor.DeleteAsync($"/api/appointments/{id}"), HttpStatusCode.Forbidden);
        (await doctor.PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = "Doctor unwell" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var cancellation = (await Get(patient, id)).GetProperty("cancellation");
        cancellation.GetProperty("reason").GetString().Should().Be("Doctor unwell");
        cancellation.GetProperty("by").GetString().Should().Be(doctorName);
        cancellation.GetProperty("role").GetString().Should().Be("doctor");
        cancellation.GetProperty("at").GetDateTimeOffset().Should().BeCloseTo(App.Clock.GetUtcNow(), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Only_whoever_cancelled_may_restore_it_and_an_admin_always_may()
    {
        var patient = App.NewPatient(out _);
        var doctorName = NewDoctor();
        var doctor = Doctor(doctorName);
        var byPatient = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromDays(3))));
        var byDoctor = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromDays(4))));
        (await patient.PostAsync($"/api/appointments/{byPatient}/cancel", null)).EnsureSuccessStatusCode();
        (await doctor.PostAsync($"/api/appointments/{byDoctor}/cancel", null)).EnsureSuccessStatusCode();

        await ShouldBeProblem(await doctor.PutAsJsonAsync($"/api/appointments/{byPatient}", new { status = "scheduled" }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{byDoctor}", new { status = "scheduled" }), HttpStatusCode.Forbidden);
        (await patient.PutAsJsonAsync($"/api/appointments/{byPatient}", new { status = "scheduled" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Admin().PutAsJsonAsync($"/api/appointments/{byDoctor}", new { status = "scheduled" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var restored = await Get(patient, byPatient);
        restored.GetProperty("status").GetString().Should().Be("scheduled");
        restored.GetProperty("cancellation").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Outcomes_are_the_doctors_once_the_start_has_passed_and_then_the_appointment_is_closed()
    {
        var patient = App.NewPatient(out var patientName);
        var doctorName = NewDoctor();
        var doctor = Doctor(doctorName);
        var id = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromHours(2))));

        var early = await doctor.PutAsJsonAsync($"/api/appointments/{id}", new { status = "completed" });
        App.Clock.Advance(TimeSpan.FromHours(3));

        // Tokens live 15 minutes on the host's clock: sign in again after the visit.
        doctor = Doctor(doctorName);
        patient = App.Client(App.Token(patientName));
        var byPatient = await patient.PutAsJsonAsync($"/api/appointments/{id}", new { status = "completed" });
        var byDoctor = await doctor.PutAsJsonAsync($"/api/appointments/{id}", new { status = "no_show" });

        (await ShouldBeProblem(early, HttpStatusCode.BadRequest, "Invalid request")).GetProperty("errors").GetProperty("status")[0].GetString()
            .Should().Contain("once the appointment has started");
        await ShouldBeProblem(byPatient, HttpStatusCode.Forbidden, "Not allowed to make this change");
        byDoctor.StatusCode.Should().Be(HttpStatusCode.OK);
        await ShouldBeProblem(await patient.PostAsync($"/api/appointments/{id}/cancel", null), HttpStatusCode.Conflict, "Appointment is closed");
        await ShouldBeProblem(await patient.DeleteAsync($"/api/appointments/{id}"), HttpStatusCode.Conflict, "Appointment is closed");
        await ShouldBeProblem(await Admin().PutAsJsonAsync($"/api/appointments/{id}", new { status = "scheduled" }), HttpStatusCode.Conflict, "Appointment is closed");
        await ShouldBeProblem(await doctor.PutAsJsonAsync($"/api/appointments/{id}", new { status = "completed" }), HttpStatusCode.Conflict, "Appointment is closed");
        (await Get(patient, id)).GetProperty("status").GetString().Should().Be("no_show");
    }

    [Fact]
    public async Task Recording_an_outcome_gives_the_slot_back_to_the_doctor()
    {
        var doctorName = NewDoctor();
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(doctorName, FromNow(TimeSpan.FromHours(2)), slot: "room-1"));
        App.Clock.Advance(TimeSpan.FromHours(3));

        (await Doctor(doctorName).PutAsJsonAsync($"/api/appointments/{id}", new { status = "completed" })).EnsureSuccessStatusCode();
        var next = await Book(App.NewPatient(out _), Booking(doctorName, FromNow(TimeSpan.FromDays(7)), slot: "room-1"));

        next.StatusCode.Should().Be(HttpStatusCode.Created, "a slot is held by one active appointment at a time, and a completed one is not active");
    }

    [Fact]
    public async Task An_admin_books_for_a_patient_changes_and_deletes_any_appointment()
    {
        App.NewPatient(out var patientName);
        var admin = Admin();
        var body = Booking(NewDoctor(), FromNow(TimeSpan.FromDays(5)));
        body["username"] = patientName;

        var id = await BookOk(admin, body);
        var moved = await admin.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = FromNow(TimeSpan.FromDays(6)) });
        var deleted = await admin.DeleteAsync($"/api/appointments/{id}");

        moved.StatusCode.Should().Be(HttpStatusCode.OK);
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await List(App.Client(App.Token(patientName)))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_cancel_reason_is_at_most_500_characters_and_the_body_stays_optional()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        var tooLong = await patient.PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = new string('r', 501) });
        var notJson = await patient.PostAsync($"/api/appointments/{id}/cancel", new StringContent("{reason"));
        var none = await patient.PostAsync($"/api/appointments/{id}/cancel", null);

        (await ShouldBeProblem(tooLong, HttpStatusCode.BadRequest, "Invalid request")).GetProperty("errors").TryGetProperty("reason", out _).Should().BeTrue();
        await ShouldBeProblem(notJson, HttpStatusCode.BadRequest, "Invalid request");
        none.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Get(patient, id)).GetProperty("cancellation").GetProperty("reason").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_patient_cannot_hold_two_overlapping_appointments_with_any_doctors()
    {
        var patient = App.NewPatient(out _);
        var at = FromNow(TimeSpan.FromDays(3));
        await BookOk(patient, Booking(NewDoctor(), at));
        var later = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(30))));

        await ShouldBeProblem(await Book(patient, Booking(NewDoctor(), at)), HttpStatusCode.Conflict, "You already have an appointment at this time");
        await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{later}", new { date_time = at }), HttpStatusCode.Conflict, "You already have an appointment at this time");
        (await Book(App.NewPatient(out _), Booking(NewDoctor(), at))).StatusCode.Should().Be(HttpStatusCode.Created, "another patient is free then");
    }

    [Fact]
    public async Task Of_twenty_simultaneous_bookings_of_one_patient_with_twenty_doctors_at_one_time_exactly_one_succeeds()
    {
        var patient = App.NewPatient(out _);
        var at = FromNow(TimeSpan.FromDays(8));

        var results = await Race(20, _ => Book(patient, Booking(NewDoctor(), at)));

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(19);
        (await List(patient)).Should().HaveCount(1);
    }

    [Theory]
    [InlineData(30, "minutes")]
    [InlineData(366, "days")]
    public async Task Patients_book_no_sooner_than_the_notice_and_no_later_than_the_horizon_but_admins_may(int amount, string unit)
    {
        var ahead = unit == "days" ? TimeSpan.FromDays(amount) : TimeSpan.FromMinutes(amount);
        var patient = App.NewPatient(out var patientName);
        var body = Booking(NewDoctor(), FromNow(ahead));

        var refused = await Book(patient, body);
        body["username"] = patientName;
        var byAdmin = await Book(Admin(), body);

        await ShouldBeProblem(refused, HttpStatusCode.BadRequest, "Appointment is too soon or too far ahead");
        byAdmin.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Notice_and_horizon_hold_for_reschedules_and_changes_of_time_too()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = FromNow(TimeSpan.FromMinutes(20)) }),
            HttpStatusCode.BadRequest, "Appointment is too soon or too far ahead");
        await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{id}", new { date_time = FromNow(TimeSpan.FromDays(400)) }),
            HttpStatusCode.BadRequest, "Appointment is too soon or too far ahead");
        (await Admin().PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = FromNow(TimeSpan.FromMinutes(20)) })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_reminder_sent_between_a_read_and_an_if_match_write_does_not_make_the_write_fail()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));
        var read = await patient.GetAsync($"/api/appointments/{id}");
        var start = (await Json(read)).GetProperty("start").GetDateTimeOffset();

        await App.Services.GetRequiredService<IAppointmentSchedule>()
            .RecordReminderAsync(id, start, new DeliveryState("sent", 1, App.Clock.GetUtcNow(), null));
        var write = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}") { Content = JsonContent.Create(new { phone = "+15555550111" }) };
        write.Headers.IfMatch.Add(read.Headers.ETag!);

        (await patient.SendAsync(write)).StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await Get(patient, id);
        document.GetProperty("reminder").GetProperty("status").GetString().Should().Be("sent");
        document.GetProperty("phone").GetString().Should().Be("+15555550111");
    }

    [Fact]
    public async Task Documents_carry_start_and_end_with_the_offset()
    {
        var patient = App.NewPatient(out _);
        var body = Booking(NewDoctor(), "2031-04-01 09:15:00");
        body["duration_minutes"] = 45;

        var document = await Get(patient, await BookOk(patient, body));

        document.GetProperty("start").GetString().Should().Be("2031-04-01T09:15:00+00:00");
        document.GetProperty("end").GetString().Should().Be("2031-04-01T10:00:00+00:00");
    }
}

public sealed class EmbeddedClinicRulesApiTests(EmbeddedApp app) : ClinicRulesApiTests<EmbeddedApp>(app);

public sealed class DaprClinicRulesApiTests(DaprApp app) : ClinicRulesApiTests<DaprApp>(app);
