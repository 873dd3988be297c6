using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appointments.TestSupport;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// A patient on the booking page in a real browser: signs in with the user service's role-less token, picks a
/// doctor from the directory, sees a week of free slots in the clinic's zone (the browser is elsewhere), books one
/// by sending its <c>date_time</c> back, sees it under my appointments and cancels it with the version it was shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PatientPageTests(PageHost host, ITestOutputHelper output)
{
    private static readonly string[] Morning =
        ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20", "11:40"];

    [Fact]
    public async Task A_patient_books_a_slot_shown_in_the_clinics_zone_sees_it_and_cancels_it()
    {
        await host.DoctorAsync("dr-flow");
        var token = host.Patient("pat-flow");
        var day = host.NextWeek;
        await using var tab = await host.OpenAsync(output, "patient-books-and-cancels");
        await tab.ScreenshotAsync("1-sign-in");

        await tab.SignInAsync(token);
        await Expect(tab.Page.Locator("#who")).ToContainTextAsync("pat-flow (patient)");
        await tab.ShowNextWeekOfAsync("dr-flow");

        await Expect(tab.Page.Locator("#zone")).ToContainTextAsync(PageHost.ClinicZone);
        await Expect(tab.SlotsOn(day)).ToHaveTextAsync(Morning);
        await tab.ScreenshotAsync("2-week");

        await tab.SlotsOn(day).GetByText("09:00", new() { Exact = true }).ClickAsync();
        var offset = host.Start(day, "09:00")[^6..];
        await Expect(tab.Page.Locator("#selected-text")).ToContainTextAsync("dr-flow, ");
        await Expect(tab.Page.Locator("#selected-text")).ToContainTextAsync($"09:00–09:20 ({PageHost.ClinicZone}, UTC{offset}), 20 minutes");
        await tab.ScreenshotAsync("3-selected");
        await tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Book this visit" }).ClickAsync();

        await Expect(tab.Notice).ToContainTextAsync("Appointment created successfully");
        await Expect(tab.MyAppointment("dr-flow")).ToContainTextAsync("09:00–09:20");
        await Expect(tab.MyAppointment("dr-flow")).ToContainTextAsync("scheduled");
        // The booked slot is taken, and only that one: the visit lasts one slot.
        await Expect(tab.SlotsOn(day)).ToHaveTextAsync(Morning[1..]);
        await tab.ScreenshotAsync("4-booked");

        var booked = (await MineAsync(token)).Should().ContainSingle().Subject;
        booked.GetProperty("start").GetString().Should().Be(host.Start(day, "09:00"), "the page books the slot it showed, in the clinic's zone");
        booked.GetProperty("duration_minutes").GetInt32().Should().Be(PageHost.SlotMinutes);

        await tab.MyAppointment("dr-flow").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(tab.Notice).ToContainTextAsync("Appointment canceled successfully");
        await Expect(tab.MyAppointment("dr-flow")).ToContainTextAsync("cancelled");
        await Expect(tab.SlotsOn(day)).ToHaveTextAsync(Morning);
        await tab.ScreenshotAsync("5-cancelled");
        (await MineAsync(token)).Single().GetProperty("status").GetString().Should().Be("cancelled");
        tab.ShouldHaveStayedClean();
    }

    [Fact]
    public async Task Cancelling_a_visit_changed_elsewhere_since_it_was_shown_is_refused_with_the_codes_message_then_works_on_the_current_version()
    {
        await host.DoctorAsync("dr-stale");
        var token = host.Patient("pat-stale");
        var day = host.NextWeek;
        await using var tab = await host.OpenAsync(output, "stale-version");
        await tab.SignInAsync(token);
        await tab.ShowNextWeekOfAsync("dr-stale");
        await tab.SlotsOn(day).GetByText("11:00", new() { Exact = true }).ClickAsync();
        await tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Book this visit" }).ClickAsync();
        await Expect(tab.MyAppointment("dr-stale")).ToContainTextAsync("scheduled");

        // The same patient changes the visit on another device: the page still holds the version it booked.
        var id = (await MineAsync(token)).Single().GetProperty("_id").GetString();
        using (var elsewhere = host.Host.CreateClient(token))
        {
            (await elsewhere.PutAsJsonAsync($"/api/appointments/{id}", new { reminder_method = "none" })).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await tab.MyAppointment("dr-stale").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(tab.Error).ToHaveAttributeAsync("data-code", "precondition_failed");
        await Expect(tab.Error).ToContainTextAsync("Appointment was changed by someone else");
        await Expect(tab.MyAppointment("dr-stale")).ToContainTextAsync("scheduled");
        await tab.ScreenshotAsync("1-refused");
        (await MineAsync(token)).Single().GetProperty("status").GetString().Should().Be("scheduled", "a refused cancel changes nothing");

        await tab.MyAppointment("dr-stale").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(tab.Notice).ToContainTextAsync("Appointment canceled successfully");
        await Expect(tab.Error).ToBeHiddenAsync();
        await Expect(tab.MyAppointment("dr-stale")).ToContainTextAsync("cancelled");
        await tab.ScreenshotAsync("2-cancelled");
        tab.ShouldHaveStayedClean();
    }

    [Fact]
    public async Task Booking_a_slot_another_patient_just_took_shows_doctor_booked_and_the_slots_as_they_are_now()
    {
        await host.DoctorAsync("dr-taken");
        var token = host.Patient("pat-late");
        var day = host.NextWeek;
        await using var tab = await host.OpenAsync(output, "slot-taken");
        await tab.SignInAsync(token);
        await tab.ShowNextWeekOfAsync("dr-taken");
        await tab.SlotsOn(day).GetByText("10:00", new() { Exact = true }).ClickAsync();

        using (var quicker = host.Host.CreateClient(host.Patient("pat-quick")))
        {
            (await quicker.PostAsJsonAsync("/api/appointments", new { doctor = "dr-taken", date_time = PageHost.DateTime(day, "10:00") }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
        }

        await tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Book this visit" }).ClickAsync();

        await Expect(tab.Error).ToHaveAttributeAsync("data-code", "doctor_booked");
        await Expect(tab.Error).ToContainTextAsync("Doctor already booked for this slot");
        await Expect(tab.SlotsOn(day)).ToHaveTextAsync(Morning.Where(t => t != "10:00").ToArray());
        await Expect(tab.Page.Locator("#mine-empty")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("1-doctor-booked");
        tab.ShouldHaveStayedClean();
    }

    [Fact]
    public async Task A_week_answered_after_the_next_one_was_asked_for_does_not_replace_it()
    {
        await host.DoctorAsync("dr-weeks");
        var token = host.Patient("pat-weeks");
        var thisWeek = $"from={host.Today:yyyy-MM-dd}";
        await using var tab = await host.OpenAsync(output, "weeks-out-of-order");

        // The API answers this week's slots of dr-weeks only once the next week's are on the page: a user who
        // picked the doctor and went on to the next week before the first answer came.
        var release = new TaskCompletionSource();
        await tab.Page.RouteAsync(new Regex("/api/doctors/dr-weeks/slots"), async route =>
        {
            if (route.Request.Url.Contains(thisWeek, StringComparison.Ordinal))
            {
                await release.Task;
            }

            await route.ContinueAsync();
        });
        await tab.SignInAsync(token);
        await tab.ShowNextWeekOfAsync("dr-weeks");
        await Expect(tab.SlotsOn(host.NextWeek)).ToHaveTextAsync(Morning);

        var late = tab.Page.WaitForResponseAsync(r => r.Url.Contains("/api/doctors/dr-weeks/slots", StringComparison.Ordinal) && r.Url.Contains(thisWeek, StringComparison.Ordinal));
        release.SetResult();
        await (await late).FinishedAsync();
        await tab.Page.WaitForTimeoutAsync(300);

        (await tab.Page.Locator($".day[data-date='{host.Today:yyyy-MM-dd}']").CountAsync()).Should().Be(0, "the week asked for last stays shown");
        await Expect(tab.SlotsOn(host.NextWeek)).ToHaveTextAsync(Morning);
        await tab.ScreenshotAsync("1-next-week");
        tab.ShouldHaveStayedClean();
    }

    private async Task<List<JsonElement>> MineAsync(string token)
    {
        using var client = host.Host.CreateClient(token);
        return [.. JsonDocument.Parse(await client.GetStringAsync("/api/appointments")).RootElement.EnumerateArray()];
    }
}
