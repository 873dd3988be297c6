using System.Globalization;
using System.Net;
using System.Text;

namespace Appointments.Host.Tests;

/// <summary>Helpers for the <c>/api/doctors/{doctor}</c> tests: schedules, free slots and the agenda.</summary>
public abstract class DoctorsTestBase<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    protected static Task<HttpResponseMessage> PutSchedule(HttpClient client, string doctor, string body) =>
        client.PutAsync($"/api/doctors/{doctor}/schedule", new StringContent(body, Encoding.UTF8, "application/json"));

    protected static async Task PutScheduleOk(HttpClient client, string doctor, string body)
    {
        var response = await PutSchedule(client, doctor, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A new doctor who has set <paramref name="schedule"/> as their hours.</summary>
    protected async Task<string> DoctorWithSchedule(string schedule)
    {
        var doctor = NewDoctor();
        await PutScheduleOk(Doctor(doctor), doctor, schedule);
        return doctor;
    }

    /// <summary>The doctor's free slots as <c>"start–end"</c>, in the order they are listed.</summary>
    protected async Task<List<string>> Slots(string doctor, string from, string to, string? visitType = null)
    {
        var response = await App.NewPatient(out _).GetAsync($"/api/doctors/{doctor}/slots?from={from}&to={to}{(visitType is null ? "" : $"&visit_type={visitType}")}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var slots = (await Json(response)).EnumerateArray().ToList();

        // Complete enough to book from: date_time is the start's local clock, duration_minutes its length.
        foreach (var slot in slots)
        {
            var (start, end) = (DateTimeOffset.Parse(slot.GetProperty("start").GetString()!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(slot.GetProperty("end").GetString()!, CultureInfo.InvariantCulture));
            slot.GetProperty("date_time").GetString().Should().Be(Local(start));
            slot.GetProperty("duration_minutes").GetInt32().Should().Be((int)(end - start).TotalMinutes);
        }

        return slots.Select(s => $"{Local(DateTimeOffset.Parse(s.GetProperty("start").GetString()!, CultureInfo.InvariantCulture))}–{Local(DateTimeOffset.Parse(s.GetProperty("end").GetString()!, CultureInfo.InvariantCulture))}").ToList();
    }

    /// <summary>An instant's wall-clock time in the offset it was written with, as <c>date_time</c> shows times.</summary>
    private static string Local(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
