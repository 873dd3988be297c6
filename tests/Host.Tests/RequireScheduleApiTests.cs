using System.Net;
using System.Net.Http.Json;

namespace Appointments.Host.Tests;

/// <summary>A clinic that books only doctors in its directory: <c>Booking:RequireSchedule=true</c>.</summary>
public sealed class ScheduledDoctorsOnlyApp : EmbeddedApp
{
    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Booking:RequireSchedule"] = "true";
    }
}

/// <summary>API.md's "Clinic directory and CORS": with <c>Booking:RequireSchedule</c>, a doctor without hours cannot be booked.</summary>
public sealed class RequireScheduleApiTests(ScheduledDoctorsOnlyApp app) : DoctorsTestBase<ScheduledDoctorsOnlyApp>(app)
{
    [Fact]
    public async Task A_doctor_without_a_schedule_is_refused_and_one_with_hours_is_booked_within_them()
    {
        var patient = App.NewPatient(out _);
        var scheduled = await DoctorWithSchedule("""{"slot_minutes": 30, "weekly": {"monday": [{"start": "09:00", "end": "12:00"}]}}""");
        var unknown = NewDoctor();
        var id = await BookOk(patient, Booking(scheduled, "2031-03-10 09:00:00"));

        var refused = await ShouldBeProblem(await Book(patient, Booking(unknown, "2031-03-11 09:00:00")), HttpStatusCode.Conflict, "Doctor is not available at this time");
        var moved = await ShouldBeProblem(await patient.PutAsJsonAsync($"/api/appointments/{id}", new { doctor = unknown }), HttpStatusCode.Conflict);

        refused.GetProperty("code").GetString().Should().Be("doctor_unavailable");
        moved.GetProperty("code").GetString().Should().Be("doctor_unavailable", "moving to a doctor without hours is taking time with them too");
    }
}
