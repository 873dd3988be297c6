using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>
/// What the OpenAPI document says a front-end developer needs to build without asking: a name, summary and
/// description for every operation, every parameter described and typed, the allowed values, one error schema with
/// its codes, and examples written for the day the document is read.
/// </summary>
public sealed class OpenApiDescriptionTests(EmbeddedApp app) : OpenApiTestBase(app)
{
    [Fact]
    public async Task Every_operation_has_a_unique_name_a_summary_and_a_description()
    {
        var operations = Operations(await DocumentAsync()).ToList();

        operations.Should().HaveCountGreaterThan(15).And.OnlyContain(
            o => !string.IsNullOrWhiteSpace(o.Operation.GetProperty("summary").GetString()) && !string.IsNullOrWhiteSpace(o.Operation.GetProperty("description").GetString()));
        operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Should().OnlyHaveUniqueItems().And.NotContainNulls();
    }

    [Fact]
    public async Task Every_parameter_is_described()
    {
        var parameters = Operations(await DocumentAsync())
            .SelectMany(o => o.Operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().Select(p => (o.Name, Parameter: p)) : []);

        parameters.Where(p => !p.Parameter.TryGetProperty("description", out var text) || string.IsNullOrWhiteSpace(text.GetString()))
            .Select(p => $"{p.Name} {p.Parameter.GetProperty("name").GetString()}").Should().BeEmpty();
    }

    [Theory]
    [InlineData("/api/doctors/{doctor}/slots", "from", "string", "date", true)]
    [InlineData("/api/doctors/{doctor}/slots", "to", "string", "date", true)]
    [InlineData("/api/slots", "from", "string", "date", true)]
    [InlineData("/api/slots", "to", "string", "date", true)]
    [InlineData("/api/doctors/{doctor}/appointments", "date", "string", "date", false)]
    [InlineData("/api/doctors/{doctor}/appointments", "from", "string", "date", false)]
    [InlineData("/api/appointments", "limit", "integer", "int32", false)]
    [InlineData("/api/appointments", "upcoming", "boolean", null, false)]
    [InlineData("/api/appointments", "from", "string", null, false)]
    [InlineData("/fhir/Appointment", "date", "array", null, true)]
    [InlineData("/fhir/Slot", "schedule", "string", null, true)]
    public async Task Query_parameters_have_their_real_type_and_say_whether_they_are_required(string path, string name, string type, string? format, bool required)
    {
        var parameter = Parameter((await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty("get"), name);
        var schema = parameter.GetProperty("schema");

        Types(schema).Should().Equal(type);
        (schema.TryGetProperty("format", out var given) ? given.GetString() : null).Should().Be(format);
        (parameter.TryGetProperty("required", out var flag) && flag.GetBoolean()).Should().Be(required);
    }

    [Fact]
    public async Task A_page_is_at_most_the_configured_size_and_from_takes_a_date_or_a_date_and_time()
    {
        var list = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/appointments").GetProperty("get");
        var limit = Parameter(list, "limit").GetProperty("schema");
        var from = Parameter(list, "from").GetProperty("schema").GetProperty("pattern").GetString()!;

        (limit.GetProperty("minimum").GetInt32(), limit.GetProperty("maximum").GetInt32()).Should().Be((1, 100));
        new[] { "2031-03-10", "2031-03-10 09:00", "2031-03-10T09:00:00Z", "2031-03-10T09:00:00.5+01:00" }.Should().OnlyContain(t => System.Text.RegularExpressions.Regex.IsMatch(t, from));
        System.Text.RegularExpressions.Regex.IsMatch("next monday", from).Should().BeFalse();
    }

    [Theory]
    [InlineData("AppointmentDocument", "status", "AppointmentStatus")]
    [InlineData("UpdateAppointmentRequest", "status", "AppointmentStatus")]
    [InlineData("StatusResponse", "status", "AppointmentStatus")]
    [InlineData("AppointmentDocument", "reminder_method", "ReminderMethod")]
    [InlineData("CreateAppointmentRequest", "reminder_method", "ReminderMethod")]
    [InlineData("UpdateAppointmentRequest", "reminder_method", "ReminderMethod")]
    [InlineData("ProblemDetails", "code", "ErrorCode")]
    public async Task Members_with_a_fixed_set_of_values_name_it(string schema, string member, string values)
    {
        var document = await DocumentAsync();

        Schema(document, schema).GetProperty("properties").GetProperty(member).GetProperty("$ref").GetString().Should().Be($"#/components/schemas/{values}");
    }

    [Theory]
    [InlineData("AppointmentStatus", "scheduled rescheduled cancelled completed no_show")]
    [InlineData("ReminderMethod", "email sms none")]
    public async Task The_allowed_values_are_API_md_s(string schema, string values)
    {
        var document = await DocumentAsync();

        Schema(document, schema).GetProperty("enum").EnumerateArray().Select(v => v.GetString()).Should().Equal(values.Split(' '));
    }

    [Fact]
    public async Task Integers_are_integers_not_integer_or_string()
    {
        var document = await DocumentAsync();
        var create = Schema(document, "CreateAppointmentRequest").GetProperty("properties");

        Types(create.GetProperty("duration_minutes")).Should().Equal("integer");
        Schemas(document).Where(s => Types(s.Schema).Contains("integer") && Types(s.Schema).Contains("string")).Select(s => s.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task A_booking_body_can_name_the_patient_an_admin_books_for()
    {
        var create = Schema(await DocumentAsync(), "CreateAppointmentRequest");

        Types(create.GetProperty("properties").GetProperty("username")).Should().Equal("string");
        create.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Should().BeEquivalentTo("doctor", "date_time");
    }

    [Fact]
    public async Task Every_problem_answer_is_the_one_error_schema_with_message_code_and_errors()
    {
        var document = await DocumentAsync();
        var problem = Schema(document, "ProblemDetails");
        var problems = Operations(document).Where(o => o.Name.Contains(" /api/", StringComparison.Ordinal))
            .SelectMany(o => o.Operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5').Select(r => (o.Name, Status: r.Name, Answer: r.Value)))
            .ToList();

        problems.Should().HaveCountGreaterThan(50).And.OnlyContain(p =>
            p.Answer.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString() == "#/components/schemas/ProblemDetails");
        problem.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Contain(["message", "code", "errors", "detail", "etag", "status", "title"]);
        problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Should().Contain(["message", "code", "status"]);
        Schema(document, "ErrorCode").GetProperty("enum").EnumerateArray().Select(c => c.GetString()).Should().Contain(Codes);
    }

    [Fact]
    public async Task Every_example_time_is_a_week_or_two_after_the_day_the_document_is_read()
    {
        var today = App.Clock.GetUtcNow();
        var document = await DocumentAsync();
        var times = Examples(document).SelectMany(ExampleTimes).ToList();

        times.Should().HaveCountGreaterThan(20);
        times.Should().OnlyContain(t => t.At >= today.AddDays(7).Date && t.At <= today.AddDays(31));
    }

    [Fact]
    public async Task The_booking_example_books_as_it_is()
    {
        var example = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/appointments").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

        var response = await App.Client(App.Token($"example-{Guid.NewGuid():N}")).PostAsync("/api/appointments", JsonContent.Create(example));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static IEnumerable<JsonElement> Examples(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object
            ? node.EnumerateObject().SelectMany(m => m.Name == "example" ? [m.Value] : Examples(m.Value))
            : node.ValueKind == JsonValueKind.Array ? node.EnumerateArray().SelectMany(Examples) : [];

    /// <summary>
    /// The appointment times in an example: the dates and times of visits, slots and closed days (not a window's
    /// <c>HH:MM</c>, nor the timestamps of what already happened).
    /// </summary>
    private static IEnumerable<(string Member, DateTime At)> ExampleTimes(JsonElement node)
    {
        string[] visitTimes = ["date_time", "new_date_time", "start", "end", "closed"];
        if (node.ValueKind == JsonValueKind.Array)
        {
            return node.EnumerateArray().SelectMany(ExampleTimes);
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return node.EnumerateObject().SelectMany(m =>
            visitTimes.Contains(m.Name) && m.Value.ValueKind is JsonValueKind.String or JsonValueKind.Array
                ? (m.Value.ValueKind == JsonValueKind.Array ? m.Value.EnumerateArray().ToList() : [m.Value]).Where(v => v.ValueKind == JsonValueKind.String && char.IsAsciiDigit(v.GetString()![0]) && v.GetString()!.Length >= 10)
                    .Select(v => (m.Name, DateTime.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)))
                : ExampleTimes(m.Value));
    }
}
