using System.Net;
using System.Net.Http.Json;
using Appointments.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// What the page must never do with what it is given: turn a name into markup, keep a refused token, or let a
/// problem pass without its code.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageSafetyTests(PageHost host, ITestOutputHelper output)
{
    private const string Markup = "<img src=x onerror=\"document.title='pwned'\">";

    [Fact]
    public async Task A_username_that_is_markup_is_shown_as_text_to_the_patient_and_in_the_doctors_day()
    {
        var doctor = await host.DoctorAsync("dr-markup");
        var patient = host.Patient(Markup);
        var day = host.NextWeek;
        using (var client = host.Host.CreateClient(patient))
        {
            (await client.PostAsJsonAsync("/api/appointments", new { doctor = "dr-markup", date_time = PageHost.DateTime(day, "09:40") }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
        }

        await using (var tab = await host.OpenAsync(output, "markup-patient"))
        {
            await tab.SignInAsync(patient);

            await Expect(tab.Page.Locator("#who-name")).ToHaveTextAsync(Markup);
            await Expect(tab.MyAppointment("dr-markup")).ToContainTextAsync("09:40–10:00");
            await Expect(tab.Page.Locator("img")).ToHaveCountAsync(0);
            await tab.ScreenshotAsync("1-signed-in");
            (await tab.Page.TitleAsync()).Should().NotBe("pwned");
            tab.ShouldHaveStayedClean();
        }

        await using var doctorTab = await host.OpenAsync(output, "markup-doctor");
        await doctorTab.SignInAsync(doctor);
        await doctorTab.Page.Locator("#day-date").FillAsync(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        await Expect(doctorTab.Page.Locator("#day-table tbody tr")).ToHaveTextAsync([$"09:40–10:00{Markup}scheduled"]);
        await Expect(doctorTab.Page.Locator("img")).ToHaveCountAsync(0);
        (await doctorTab.Page.TitleAsync()).Should().NotBe("pwned");
        doctorTab.ShouldHaveStayedClean();
    }

    [Fact]
    public async Task A_token_the_API_refuses_shows_unauthorized_and_is_not_kept()
    {
        host.Users.Add("pat-forged");
        await using var tab = await host.OpenAsync(output, "refused-token");

        await tab.SignInAsync(FlaskTokens.Access("pat-forged", key: "a-key-the-clinic-never-shared-with-anyone"));

        await Expect(tab.Error).ToHaveAttributeAsync("data-code", "unauthorized");
        await Expect(tab.Page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("#book")).ToBeHiddenAsync();
        await tab.ScreenshotAsync("1-unauthorized");
        (await tab.Page.EvaluateAsync<int>("sessionStorage.length")).Should().Be(0);
        (await tab.Page.EvaluateAsync<int>("localStorage.length")).Should().Be(0);
        tab.ShouldHaveStayedClean();
    }

    [Fact]
    public async Task A_signed_in_tab_keeps_its_token_in_session_storage_only_and_forgets_it_on_sign_out()
    {
        var token = host.Patient("pat-storage");
        await using var tab = await host.OpenAsync(output, "sign-out");
        await tab.SignInAsync(token);
        await Expect(tab.Page.Locator("#mine")).ToBeVisibleAsync();

        await tab.Page.ReloadAsync();
        await Expect(tab.Page.Locator("#who-name")).ToHaveTextAsync("pat-storage");
        (await tab.Page.EvaluateAsync<int>("localStorage.length")).Should().Be(0);
        (await tab.Page.Context.CookiesAsync()).Should().BeEmpty();

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(tab.Page.Locator("#sign-in")).ToBeVisibleAsync();
        (await tab.Page.EvaluateAsync<int>("sessionStorage.length")).Should().Be(0);
        tab.ShouldHaveStayedClean();
    }
}
