using System.Net;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Clinic directory and CORS": a browser app on an allowed origin can call the API and read its headers.</summary>
public sealed class CorsApiTests(EmbeddedApp app) : ApiTestBase<EmbeddedApp>(app)
{
    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_and_one_from_elsewhere_is_not_allowed()
    {
        var allowed = await Preflight(AppFixture.CorsOrigin, "PUT");
        var elsewhere = await Preflight("https://evil.example", "PUT");

        allowed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(AppFixture.CorsOrigin);
        allowed.Headers.GetValues("Access-Control-Allow-Methods").Single().Should().Contain("PUT");
        allowed.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant().Should().Contain("authorization").And.Contain("if-match");
        allowed.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse("bearer tokens need no cookies");
        elsewhere.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task An_answer_to_an_allowed_origin_lets_its_script_read_the_etag_location_and_paging_headers()
    {
        var patient = App.NewPatient(out _);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/appointments");
        request.Headers.Add("Origin", AppFixture.CorsOrigin);

        var response = await patient.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(AppFixture.CorsOrigin);
        response.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(',').Select(h => h.Trim())
            .Should().Contain(["ETag", "Location", "X-Next-Cursor", "Retry-After", "Idempotent-Replayed"]);
    }

    private async Task<HttpResponseMessage> Preflight(string origin, string method)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/appointments/0123456789abcdef01234567");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, if-match");
        return await App.Client(null).SendAsync(request);
    }
}
