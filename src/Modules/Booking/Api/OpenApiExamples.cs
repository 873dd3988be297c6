using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Appointments.Booking.Api;

/// <summary>
/// The request/response examples of API.md in the OpenAPI document. Bodies are described here rather than
/// with <c>Accepts</c>, which would answer 415 to a JSON body sent without <c>Content-Type: application/json</c>.
/// </summary>
internal static class OpenApiExamples
{
    public const string Id = "65f1c2a9e4b0a1b2c3d4e5f6";

    public const string CreateRequest =
        """{"doctor": "dr-house", "date_time": "2026-12-01 10:00:00", "slot": "slot-17", "email": "alice@example.com", "reminder_method": "email"}""";

    public const string CreateResponse = $$"""{"message": "Appointment created successfully", "_id": "{{Id}}", "appointment": {{Document}}}""";

    public const string UpdateRequest = """{"date_time": "2026-12-01 11:00:00"}""";

    public const string RescheduleRequest = """{"new_date_time": "2026-12-02 09:30:00"}""";

    public const string CancelRequest = """{"reason": "Feeling better"}""";

    public const string History = """
        [{"at": "2026-11-25T09:00:00+00:00", "actor": "alice", "role": "patient", "action": "create",
          "changes": {"doctor": [null, "dr-house"], "date_time": [null, "2026-12-01 10:00:00"], "status": [null, "scheduled"], "email": "changed"}},
         {"at": "2026-11-26T14:05:00+00:00", "actor": "dr-house", "role": "doctor", "action": "cancel",
          "changes": {"status": ["scheduled", "cancelled"], "cancellation_reason": [null, "Doctor unwell"]}}]
        """;

    public const string Document = $$$"""
        {"_id": "{{{Id}}}", "username": "alice", "doctor": "dr-house", "date_time": "2026-12-01 10:00:00",
         "slot": "slot-17", "status": "scheduled", "email": "alice@example.com", "phone": "+15555550100",
         "reminder_method": "email", "duration_minutes": 30,
         "start": "2026-12-01T10:00:00+00:00", "end": "2026-12-01T10:30:00+00:00",
         "created_at": "2026-11-25T09:00:00+00:00", "updated_at": "2026-11-25T09:00:00+00:00",
         "cancellation": null, "reminder": {"status": "sent", "attempts": 1, "sent_at": "2026-11-30T10:00:05+00:00", "last_error": null}}
        """;

    public const string Schedule = """
        {"slot_minutes": 30,
         "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "wednesday": [{"start": "09:00", "end": "13:00"}]},
         "closed": ["2027-12-24", "2027-12-25"]}
        """;

    /// <summary>A change's answer: the original's message and the document as it is now.</summary>
    public static string Changed(string message) => $$"""{"message": "{{message}}", "appointment": {{Document}}}""";

    public const string Slots = """
        [{"start": "2027-12-20T09:00:00+01:00", "end": "2027-12-20T09:30:00+01:00", "date_time": "2027-12-20 09:00:00", "duration_minutes": 30},
         {"start": "2027-12-20T09:30:00+01:00", "end": "2027-12-20T10:00:00+01:00", "date_time": "2027-12-20 09:30:00", "duration_minutes": 30}]
        """;

    public const string FhirAppointment = $$$"""
        {"resourceType": "Appointment", "id": "{{{Id}}}", "meta": {"versionId": "1", "lastUpdated": "2026-11-25T09:00:00+00:00"},
         "status": "booked", "start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T10:30:00+01:00", "minutesDuration": 30,
         "created": "2026-11-25T09:00:00+00:00",
         "participant": [{"actor": {"reference": "Patient/alice", "display": "alice"}, "status": "accepted"},
                         {"actor": {"reference": "Practitioner/dr-house", "display": "dr-house"}, "status": "accepted"}]}
        """;

    public const string FhirAppointments = $$$"""
        {"resourceType": "Bundle", "type": "searchset", "total": 1,
         "link": [{"relation": "self", "url": "http://localhost:5001/fhir/Appointment?date=ge2026-12-01&date=lt2027-01-01"}],
         "entry": [{"fullUrl": "http://localhost:5001/fhir/Appointment/{{{Id}}}", "resource": {{{FhirAppointment}}}, "search": {"mode": "match"}}]}
        """;

    public const string FhirSlots = """
        {"resourceType": "Bundle", "type": "searchset", "total": 1,
         "link": [{"relation": "self", "url": "http://localhost:5001/fhir/Slot?schedule=Schedule/dr-house&start=ge2026-12-01&start=lt2026-12-02"}],
         "entry": [{"fullUrl": "urn:uuid:8b4fd5a4-1c4b-5b8e-9d0a-3f1e2c7a6b5d",
                    "resource": {"resourceType": "Slot", "id": "8b4fd5a4-1c4b-5b8e-9d0a-3f1e2c7a6b5d", "schedule": {"reference": "Schedule/dr-house"},
                                 "status": "free", "start": "2026-12-01T09:00:00+01:00", "end": "2026-12-01T09:30:00+01:00"},
                    "search": {"mode": "match"}}]}
        """;

    public static string Message(string message) => $$"""{"message": "{{message}}"}""";

    /// <summary>Describes a header that a route's <paramref name="status"/> answer carries.</summary>
    public static RouteHandlerBuilder WithResponseHeader(this RouteHandlerBuilder route, int status, string name, string description) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var answer) == true && answer is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            return Task.CompletedTask;
        });

    /// <summary>An example of a FHIR route's <c>200</c> answer, which is <c>application/fhir+json</c>.</summary>
    public static RouteHandlerBuilder WithFhirExample(this RouteHandlerBuilder route, string example) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var answer) == true && answer is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                if (!response.Content.TryGetValue(FhirResult.ContentType, out var content))
                {
                    response.Content[FhirResult.ContentType] = content = new OpenApiMediaType();
                }

                content.Example = JsonNode.Parse(example);
            }

            return Task.CompletedTask;
        });

    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder route, Type? requestType, string? request, string? response, bool requestRequired = true) =>
        route.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (requestType is not null)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = requestRequired,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = await context.GetOrCreateSchemaAsync(requestType, cancellationToken: cancellationToken),
                            Example = request is null ? null : JsonNode.Parse(request),
                        },
                    },
                };
            }

            foreach (var (status, answer) in operation.Responses ?? [])
            {
                if (response is not null && status.StartsWith('2') && answer.Content?.TryGetValue("application/json", out var content) == true)
                {
                    content.Example = JsonNode.Parse(response);
                }
            }
        });
}
