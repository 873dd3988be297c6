using System.Net;
using System.Net.Http.Json;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Errors": a client tells refusals apart by <c>code</c>, and the answer says what to do.</summary>
public abstract class ErrorCodesApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task Three_409s_say_which_of_doctor_patient_and_hours_refused()
    {
        var doctor = NewDoctor();
        var (patient, other) = (App.NewPatient(out _), App.NewPatient(out _));
        await BookOk(patient, Booking(doctor, FromNow(TimeSpan.FromDays(3))));
        (await Admin().PutAsJsonAsync($"/api/doctors/{doctor}-h/schedule", new { slot_minutes = 30, weekly = new { monday = new[] { new { start = "09:00", end = "10:00" } } } })).EnsureSuccessStatusCode();

        var taken = await ShouldBeProblem(await Book(other, Booking(doctor, FromNow(TimeSpan.FromDays(3)))), HttpStatusCode.Conflict);
        var busy = await ShouldBeProblem(await Book(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3)))), HttpStatusCode.Conflict);
        var closed = await ShouldBeProblem(await Book(other, Booking($"{doctor}-h", "2031-03-11 12:00:00")), HttpStatusCode.Conflict);

        taken.GetProperty("code").GetString().Should().Be("doctor_booked");
        busy.GetProperty("code").GetString().Should().Be("patient_busy");
        closed.GetProperty("code").GetString().Should().Be("doctor_unavailable");
    }

    [Fact]
    public async Task Too_soon_and_too_far_ahead_are_told_apart_and_name_their_limit()
    {
        var patient = App.NewPatient(out _);

        var soon = await ShouldBeProblem(await Book(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromMinutes(30)))), HttpStatusCode.BadRequest, "Appointment is too soon or too far ahead");
        var far = await ShouldBeProblem(await Book(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(400)))), HttpStatusCode.BadRequest, "Appointment is too soon or too far ahead");

        soon.GetProperty("code").GetString().Should().Be("too_soon");
        soon.GetProperty("detail").GetString().Should().Contain("at least 1 hour");
        far.GetProperty("code").GetString().Should().Be("too_far_ahead");
        far.GetProperty("detail").GetString().Should().Contain("at most 365 day");
    }

    [Fact]
    public async Task An_unreadable_date_names_its_field_and_the_format_expected()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        var booking = await ShouldBeProblem(await Book(patient, Booking(NewDoctor(), "next tuesday")), HttpStatusCode.BadRequest, "Invalid date format");
        var moving = await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = "31/12/2031" }), HttpStatusCode.BadRequest, "Invalid date format");

        booking.GetProperty("code").GetString().Should().Be("invalid_date");
        booking.GetProperty("errors").GetProperty("date_time")[0].GetString().Should().Contain("YYYY-MM-DD HH:MM:SS");
        moving.GetProperty("errors").GetProperty("new_date_time")[0].GetString().Should().Contain("YYYY-MM-DD");
    }

    [Fact]
    public async Task The_hosts_own_refusals_carry_codes_too()
    {
        var anonymous = App.Client(null);

        var unauthorized = await ShouldBeProblem(await anonymous.GetAsync("/api/appointments"), HttpStatusCode.Unauthorized);
        var unknown = await ShouldBeProblem(await App.NewPatient(out _).GetAsync("/api/appointments/ffffffffffffffffffffffff"), HttpStatusCode.NotFound);

        unauthorized.GetProperty("code").GetString().Should().Be("unauthorized");
        unknown.GetProperty("code").GetString().Should().Be("not_found");
    }
}

public sealed class EmbeddedErrorCodesApiTests(EmbeddedApp app) : ErrorCodesApiTests<EmbeddedApp>(app);

public sealed class DaprErrorCodesApiTests(DaprApp app) : ErrorCodesApiTests<DaprApp>(app);
