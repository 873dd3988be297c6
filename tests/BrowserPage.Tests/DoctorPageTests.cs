using System.Net;
using System.Net.Http.Json;
using Appointments.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// A doctor on the booking page: their role is the user service's (their token carries none), so the page shows
/// their day from their agenda instead of the booking form, times in the clinic's zone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DoctorPageTests(PageHost host, ITestOutputHelper output)
{
    [Fact]
    public async Task A_doctor_signs_in_and_sees_their_day_with_each_patient_and_time()
    {
        var doctor = await host.DoctorAsync("dr-day");
        var day = host.NextWeek;
        await BookAsync(host.Patient("pat-early"), "dr-day", day, "09:00");
        await BookAsync(host.Patient("pat-later"), "dr-day", day, "10:40");
        await using var tab = await host.OpenAsync(output, "doctor-day");

        await tab.SignInAsync(doctor);
        await Expect(tab.Page.Locator("#who")).ToContainTextAsync("dr-day (doctor)");
        await Expect(tab.Page.Locator("#day-empty")).ToBeVisibleAsync();
        await tab.Page.Locator("#day-date").FillAsync(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var rows = tab.Page.Locator("#day-table tbody tr");
        await Expect(rows).ToHaveTextAsync(["09:00–09:20pat-earlyscheduled", "10:40–11:00pat-laterscheduled"]);
        await Expect(tab.Page.Locator("#day-zone")).ToContainTextAsync(PageHost.ClinicZone);
        await Expect(tab.Page.Locator("#book")).ToBeHiddenAsync();
        await Expect(tab.Page.Locator("#mine")).ToBeHiddenAsync();
        await tab.ScreenshotAsync("1-day");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Next day" }).ClickAsync();
        await Expect(tab.Page.Locator("#day-empty")).ToBeVisibleAsync();
        tab.ShouldHaveStayedClean();
    }

    private async Task BookAsync(string token, string doctor, DateOnly day, string time)
    {
        using var client = host.Host.CreateClient(token);
        (await client.PostAsJsonAsync("/api/appointments", new { doctor, date_time = PageHost.DateTime(day, time) })).StatusCode.Should().Be(HttpStatusCode.Created);
    }
}
