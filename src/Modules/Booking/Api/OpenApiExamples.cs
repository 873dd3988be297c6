using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Appointments.Booking.Api;

/// <summary>
/// The request/response examples of API.md in the OpenAPI document, each written for the day the document is built
/// (<see cref="ExampleDates"/>). Bodies are described here rather than with <c>Accepts</c>, which would answer 415 to
/// a JSON body sent without <c>Content-Type: application/json</c>.
/// </summary>
internal static class OpenApiExamples
{
    public const string Id = "65f1c2a9e4b0a1b2c3d4e5f6";

    public static readonly Func<ExampleDates, string> CreateRequest = d =>
        $$"""{"doctor": "dr-house", "date_time": "{{d.Local("10:00")}}", "slot": "slot-17", "email": "alice@example.com", "reminder_method": "email"}""";

    public static readonly Func<ExampleDates, string> CreateResponse = d =>
        $$"""{"message": "Appointment created successfully", "_id": "{{Id}}", "appointment": {{Document(d)}}}""";

    public static readonly Func<ExampleDates, string> UpdateRequest = d => $$"""{"date_time": "{{d.Local("11:00")}}"}""";

    public static readonly Func<ExampleDates, string> RescheduleRequest = d => $$"""{"new_date_time": "{{d.Local("09:30", days: 1)}}"}""";

    public static readonly Func<ExampleDates, string> CancelRequest = _ => """{"reason": "Feeling better"}""";

    public static readonly Func<ExampleDates, string> Status = _ => """{"status": "scheduled"}""";

    public static readonly Func<ExampleDates, string> History = d => $$$"""
        [{"at": "{{{d.Stamp(-60)}}}", "actor": "alice", "role": "patient", "action": "create",
          "changes": {"doctor": [null, "dr-house"], "date_time": [null, "{{{d.Local("10:00")}}}"], "status": [null, "scheduled"], "email": "changed"}},
         {"at": "{{{d.Stamp(0)}}}", "actor": "dr-house", "role": "doctor", "action": "cancel",
          "changes": {"status": ["scheduled", "cancelled"], "cancellation_reason": [null, "Doctor unwell"]}}]
        """;

    public static string Document(ExampleDates d) => $$$"""
        {"_id": "{{{Id}}}", "username": "alice", "doctor": "dr-house", "date_time": "{{{d.Local("10:00")}}}",
         "slot": "slot-17", "status": "scheduled", "email": "alice@example.com", "phone": "+15555550100",
         "reminder_method": "email", "duration_minutes": 30,
         "start": "{{{d.WithOffset("10:00")}}}", "end": "{{{d.WithOffset("10:30")}}}",
         "created_at": "{{{d.Stamp(-60)}}}", "updated_at": "{{{d.Stamp(-60)}}}",
         "cancellation": null, "reminder": null,
         "notices": [{"kind": "confirmation", "status": "sent", "sent_at": "{{{d.Stamp(-59)}}}"}]}
        """;

    public static readonly Func<ExampleDates, string> Documents = d => $"[{Document(d)}]";

    public static readonly Func<ExampleDates, string> Schedule = d => $$"""
        {"slot_minutes": 30,
         "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "wednesday": [{"start": "09:00", "end": "13:00"}]},
         "closed": ["{{d.Date(14)}}", "{{d.Date(16)}}"]}
        """;

    public static readonly Func<ExampleDates, string> Directory = d => $$"""
        [{"doctor": "dr-house", "slot_minutes": 30, "visit_types": [], "time_zone": "{{d.TimeZone}}",
          "next_free": {{Slot(d, "09:00", "09:30", 30)}}}]
        """;

    public static readonly Func<ExampleDates, string> FirstAvailable = d => $$"""
        [{{Slot(d, "09:00", "09:30", 30, "dr-house")}},
         {{Slot(d, "09:00", "09:20", 20, "dr-wilson")}}]
        """;

    public static readonly Func<ExampleDates, string> Slots = d => $"[{Slot(d, "09:00", "09:30", 30)}, {Slot(d, "09:30", "10:00", 30)}]";

    public static string FhirAppointment(ExampleDates d) => $$$"""
        {"resourceType": "Appointment", "id": "{{{Id}}}", "meta": {"versionId": "1", "lastUpdated": "{{{d.Stamp(-60)}}}"},
         "status": "booked", "start": "{{{d.WithOffset("10:00")}}}", "end": "{{{d.WithOffset("10:30")}}}", "minutesDuration": 30,
         "created": "{{{d.Stamp(-60)}}}",
         "participant": [{"actor": {"reference": "Patient/alice", "display": "alice"}, "status": "accepted"},
                         {"actor": {"reference": "Practitioner/dr-house", "display": "dr-house"}, "status": "accepted"}]}
        """;

    public static readonly Func<ExampleDates, string> FhirAppointments = d => $$$"""
        {"resourceType": "Bundle", "type": "searchset", "total": 1,
         "link": [{"relation": "self", "url": "http://localhost:5001/fhir/Appointment?date=ge{{{d.Date()}}}&date=lt{{{d.Date(7)}}}"}],
         "entry": [{"fullUrl": "http://localhost:5001/fhir/Appointment/{{{Id}}}", "resource": {{{FhirAppointment(d)}}}, "search": {"mode": "match"}}]}
        """;

    public static readonly Func<ExampleDates, string> FhirSlots = d => $$$"""
        {"resourceType": "Bundle", "type": "searchset", "total": 1,
         "link": [{"relation": "self", "url": "http://localhost:5001/fhir/Slot?schedule=Schedule/dr-house&start=ge{{{d.Date()}}}&start=lt{{{d.Date(1)}}}"}],
         "entry": [{"fullUrl": "urn:uuid:8b4fd5a4-1c4b-5b8e-9d0a-3f1e2c7a6b5d",
                    "resource": {"resourceType": "Slot", "id": "8b4fd5a4-1c4b-5b8e-9d0a-3f1e2c7a6b5d", "schedule": {"reference": "Schedule/dr-house"},
                                 "status": "free", "start": "{{{d.WithOffset("09:00")}}}", "end": "{{{d.WithOffset("09:30")}}}"},
                    "search": {"mode": "match"}}]}
        """;

    /// <summary>A change's answer: the original's message and the document as it is now.</summary>
    public static Func<ExampleDates, string> Changed(string message) => d => $$"""{"message": "{{message}}", "appointment": {{Document(d)}}}""";

    public static Func<ExampleDates, string> Message(string message) => _ => $$"""{"message": "{{message}}"}""";

    private static string Slot(ExampleDates d, string start, string end, int minutes, string? doctor = null) =>
        $$"""{"start": "{{d.WithOffset(start)}}", "end": "{{d.WithOffset(end)}}", "date_time": "{{d.Local(start)}}", "duration_minutes": {{minutes}}{{(doctor is null ? "" : $", \"doctor\": \"{doctor}\"")}}}""";

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
    public static RouteHandlerBuilder WithFhirExample(this RouteHandlerBuilder route, Func<ExampleDates, string> example) =>
        route.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var answer) == true && answer is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                if (!response.Content.TryGetValue(FhirResult.ContentType, out var content))
                {
                    response.Content[FhirResult.ContentType] = content = new OpenApiMediaType();
                }

                content.Example = JsonNode.Parse(example(ExampleDates.Of(context.ApplicationServices)));
            }

            return Task.CompletedTask;
        });

    /// <summary>
    /// The route's request body (a named schema of <paramref name="requestType"/>, so a generated client names it too)
    /// and the examples of its request and its success answer.
    /// </summary>
    public static RouteHandlerBuilder WithExamples(
        this RouteHandlerBuilder route, Type? requestType, Func<ExampleDates, string>? request, Func<ExampleDates, string>? response, bool requestRequired = true) =>
        route.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var dates = ExampleDates.Of(context.ApplicationServices);
            if (requestType is not null && context.Document is { } document)
            {
                document.AddComponent<IOpenApiSchema>(requestType.Name, await context.GetOrCreateSchemaAsync(requestType, cancellationToken: cancellationToken));
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = requestRequired,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchemaReference(requestType.Name, document),
                            Example = request is null ? null : JsonNode.Parse(request(dates)),
                        },
                    },
                };
            }

            foreach (var (status, answer) in operation.Responses ?? [])
            {
                if (response is not null && status.StartsWith('2') && answer.Content?.TryGetValue("application/json", out var content) == true)
                {
                    content.Example = JsonNode.Parse(response(dates));
                }
            }
        });
}
