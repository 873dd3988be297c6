using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>
/// The OpenAPI document as Scalar and a client generator read it: every route's statuses, headers and parameters.
/// What it says about meanings, types and examples is in <see cref="OpenApiDescriptionTests"/>; that a generated
/// client works from it, in Client.Tests.
/// </summary>
public sealed class OpenApiDocumentTests(EmbeddedApp app) : OpenApiTestBase(app)
{
    [Theory]
    [InlineData("post", "/api/appointments", "201 400 401 403 404 409 413 422 503")]
    [InlineData("get", "/api/appointments", "200 400 401 503")]
    [InlineData("get", "/api/appointments/{id}", "200 401 404 503")]
    [InlineData("put", "/api/appointments/{id}", "200 400 401 403 404 409 412 413 503")]
    [InlineData("delete", "/api/appointments/{id}", "200 401 403 404 409 412 503")]
    [InlineData("post", "/api/appointments/{id}/cancel", "200 400 401 403 404 409 412 413 503")]
    [InlineData("put", "/api/appointments/{id}/reschedule", "200 400 401 403 404 409 412 413 503")]
    [InlineData("get", "/api/appointments/status/{id}", "200 401 404 503")]
    [InlineData("get", "/api/appointments/{id}/history", "200 401 404 503")]
    [InlineData("put", "/api/doctors/{doctor}/schedule", "200 400 401 403 412 413 503")]
    [InlineData("get", "/api/doctors/{doctor}/schedule", "200 400 401 404 503")]
    [InlineData("get", "/api/doctors/{doctor}/slots", "200 400 401 404 503")]
    [InlineData("get", "/api/doctors/{doctor}/appointments", "200 400 401 403 503")]
    [InlineData("get", "/fhir/Appointment/{id}", "200 401 404 503")]
    [InlineData("get", "/fhir/Appointment", "200 400 401 503")]
    [InlineData("get", "/fhir/Slot", "200 400 401 404 503")]
    public async Task Every_route_lists_every_status_it_can_answer(string method, string path, string statuses)
    {
        var operation = await OperationAsync(method, path);

        // Every route can also be rate-limited (429), which the host adds to all of them.
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo(statuses.Split(' ').Append("429"));
    }

    [Theory]
    [InlineData("put", "/api/appointments/{id}")]
    [InlineData("delete", "/api/appointments/{id}")]
    [InlineData("post", "/api/appointments/{id}/cancel")]
    [InlineData("put", "/api/appointments/{id}/reschedule")]
    [InlineData("put", "/api/doctors/{doctor}/schedule")]
    public async Task Every_change_route_takes_if_match(string method, string path)
    {
        var operation = await OperationAsync(method, path);

        operation.GetProperty("parameters").EnumerateArray()
            .Should().Contain(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "If-Match");
    }

    [Theory]
    [InlineData("post", "/api/appointments", "201", "Location")]
    [InlineData("post", "/api/appointments", "201", "Idempotent-Replayed")]
    [InlineData("get", "/api/appointments", "200", "X-Next-Cursor")]
    [InlineData("get", "/api/appointments/{id}", "200", "ETag")]
    [InlineData("get", "/api/doctors/{doctor}/schedule", "200", "ETag")]
    [InlineData("delete", "/api/appointments/{id}", "429", "Retry-After")]
    [InlineData("post", "/api/appointments", "201", "ETag")]
    [InlineData("put", "/api/appointments/{id}", "200", "ETag")]
    [InlineData("post", "/api/appointments/{id}/cancel", "200", "ETag")]
    [InlineData("put", "/api/appointments/{id}/reschedule", "200", "ETag")]
    [InlineData("put", "/api/appointments/{id}", "412", "ETag")]
    [InlineData("post", "/api/appointments/{id}/cancel", "412", "ETag")]
    [InlineData("post", "/api/appointments", "503", "Retry-After")]
    [InlineData("get", "/api/doctors", "503", "Retry-After")]
    [InlineData("get", "/fhir/Slot", "503", "Retry-After")]
    public async Task Answers_describe_the_headers_they_carry(string method, string path, string status, string header)
    {
        var operation = await OperationAsync(method, path);

        operation.GetProperty("responses").GetProperty(status).GetProperty("headers").TryGetProperty(header, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Booking_takes_an_idempotency_key()
    {
        var operation = await OperationAsync("post", "/api/appointments");

        operation.GetProperty("parameters").EnumerateArray()
            .Should().Contain(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "Idempotency-Key");
    }

    [Fact]
    public async Task The_list_route_names_its_query_parameters()
    {
        var operation = await OperationAsync("get", "/api/appointments");

        operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString()).Should().BeEquivalentTo("status", "from", "to", "upcoming", "limit", "cursor");
    }

    [Theory]
    [InlineData("/api/doctors/{doctor}/slots", "from to visit_type")]
    [InlineData("/api/doctors/{doctor}/appointments", "date from to")]
    [InlineData("/api/slots", "from to visit_type")]
    [InlineData("/fhir/Appointment", "date patient practitioner")]
    [InlineData("/fhir/Slot", "schedule start service-type")]
    public async Task The_doctors_and_fhir_routes_name_their_query_parameters(string path, string names)
    {
        var operation = await OperationAsync("get", path);

        operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString()).Should().BeEquivalentTo(names.Split(' '));
    }

    [Theory]
    [InlineData("/fhir/Appointment/{id}", "Appointment")]
    [InlineData("/fhir/Appointment", "Bundle")]
    [InlineData("/fhir/Slot", "Bundle")]
    public async Task Fhir_routes_answer_fhir_json_with_an_example(string path, string resourceType)
    {
        var operation = await OperationAsync("get", path);

        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/fhir+json");
        ok.GetProperty("example").GetProperty("resourceType").GetString().Should().Be(resourceType);
        operation.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/fhir+json", out _).Should().BeTrue();
    }

    private async Task<JsonElement> OperationAsync(string method, string path) =>
        (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method);
}

