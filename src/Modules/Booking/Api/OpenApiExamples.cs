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

    public const string CreateResponse = $$"""{"message": "Appointment created successfully", "_id": "{{Id}}"}""";

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
