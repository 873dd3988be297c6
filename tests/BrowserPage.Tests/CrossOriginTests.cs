using System.Text.Json;
using Microsoft.Playwright;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// API.md's "Clinic directory and CORS" in a real browser: a booking app on an origin that
/// <c>Cors:AllowedOrigins</c> names books across origins (preflight, bearer token, <c>If-Match</c>) and its script
/// reads the <c>ETag</c> and <c>Location</c> it needs; the browser keeps an app on any other origin out.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrossOriginTests(PageHost host)
{
    // Runs in the app's page: book, then cancel with the ETag the booking answered, as a booking app would.
    private const string BookThenCancel = """
        async ([api, token, doctor, dateTime]) => {
          const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
          try {
            const booked = await fetch(`${api}/api/appointments`, { method: 'POST', headers, body: JSON.stringify({ doctor, date_time: dateTime }) });
            const body = await booked.json();
            const etag = booked.headers.get('ETag');
            const cancelled = await fetch(`${api}/api/appointments/${body._id}/cancel`, { method: 'POST', headers: { ...headers, 'If-Match': etag } });
            return { status: booked.status, etag, location: booked.headers.get('Location'), cancelled: cancelled.status, error: null };
          } catch (error) {
            return { status: 0, etag: null, location: null, cancelled: 0, error: String(error) };
          }
        }
        """;

    [Fact]
    public async Task An_app_on_an_allowed_origin_books_and_cancels_across_origins_reading_the_etag_and_another_origin_is_kept_out()
    {
        await host.DoctorAsync("dr-cors");
        var token = host.Patient("pat-cors");
        var arguments = new object[] { host.Host.Url.GetLeftPart(UriPartial.Authority), token, "dr-cors", PageHost.DateTime(host.NextWeek, "09:20") };
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(host.AllowedApp.Origin);
        var allowed = await page.EvaluateAsync<JsonElement>(BookThenCancel, arguments);
        await page.GotoAsync(host.OtherApp.Origin);
        var other = await page.EvaluateAsync<JsonElement>(BookThenCancel, arguments);

        allowed.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        allowed.GetProperty("status").GetInt32().Should().Be(201);
        allowed.GetProperty("etag").GetString().Should().NotBeNullOrEmpty("ETag is exposed to the app's script");
        allowed.GetProperty("location").GetString().Should().Contain("/api/appointments/");
        allowed.GetProperty("cancelled").GetInt32().Should().Be(200, "the If-Match the app sent was the booking's ETag");
        other.GetProperty("error").GetString().Should().Contain("Failed to fetch", "the browser refuses an origin nobody allowed");
    }
}
