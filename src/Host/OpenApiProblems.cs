using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Appointments.Host;

/// <summary>
/// The one error schema of the document: every problem answer, whichever part of the service gave it, is RFC 9457
/// problem details with the original's <c>message</c> and a <c>code</c> to branch on (API.md, "Errors"); and what
/// each status means, with the codes it can carry.
/// </summary>
internal static class OpenApiProblems
{
    public const string SchemaId = "ProblemDetails";
    public const string CodeId = "ErrorCode";

    /// <summary>API.md's codes, then those the host gives to what never reaches a module (a refused method, media type or size).</summary>
    public static readonly string[] Codes =
    [
        "invalid_request", "invalid_date", "date_in_past", "too_soon", "too_far_ahead", "nonexistent_local_time",
        "unauthorized", "forbidden", "not_found", "user_not_found",
        "doctor_booked", "patient_busy", "doctor_unavailable", "slot_held", "too_many_active", "appointment_closed", "offer_expired",
        "precondition_failed", "idempotency_mismatch", "rate_limited", "unavailable",
        "method_not_allowed", "payload_too_large", "unsupported_media_type", "internal_error", "error",
    ];

    private static readonly Dictionary<int, string> Meanings = new()
    {
        [400] = "The request is refused as it is: `invalid_request` (`errors` names each field), `invalid_date` (`message` names the field and format), " +
                "`date_in_past`, `too_soon` or `too_far_ahead` (`detail` gives the limit), `nonexistent_local_time` (skipped by a DST change).",
        [401] = "`unauthorized`: no bearer token, or one that is invalid, expired, or of a user the user service does not know.",
        [403] = "`forbidden`: the caller's role may not do this (see the table in the description).",
        [404] = "`not_found`: there is none, or none the caller may see (the same answer either way); `user_not_found`: the user service does not know the patient.",
        [409] = "Conflicts with what is booked: `doctor_booked`, `patient_busy`, `doctor_unavailable` (outside the doctor's schedule), `slot_held` " +
                "(held for a patient on the waitlist), `too_many_active`, `appointment_closed` (completed or no-show: final), `offer_expired` (a waitlist offer past its `expires_at`).",
        [412] = "`precondition_failed`: `If-Match` names another version; `etag` is the current one, to read it and decide again.",
        [413] = "`payload_too_large`: the body is over `Booking:MaxBodyBytes` (64 KiB by default).",
        [422] = "`idempotency_mismatch`: this `Idempotency-Key` came before with a different body.",
        [503] = "`unavailable`: the user service or the state store does not answer; nothing was changed. Try again after `Retry-After` seconds.",
    };

    /// <summary>Puts the complete problem schema in place of the framework's, and says per status what a problem answer means.</summary>
    public static void Describe(OpenApiDocument document)
    {
        document.AddComponent<IOpenApiSchema>(CodeId, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "What went wrong, stable and machine-readable: branch on this, never on `message`.",
            Enum = Codes.Select(c => (JsonNode)JsonValue.Create(c)).ToList(),
        });
        document.Components!.Schemas![SchemaId] = Problem(document);

        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var (status, answer) in operation.Responses ?? [])
            {
                if (answer is not OpenApiResponse response || !int.TryParse(status, CultureInfo.InvariantCulture, out var code))
                {
                    continue;
                }

                if (response.Content?.ContainsKey("application/problem+json") == true && Meanings.TryGetValue(code, out var meaning))
                {
                    response.Description = meaning;
                }

                if (code == StatusCodes.Status503ServiceUnavailable)
                {
                    response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    response.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    };
                }
            }
        }
    }

    private static OpenApiSchema Problem(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Every error answer (`application/problem+json`, RFC 9457), with the original service's `message` and a `code`.",
        Required = new HashSet<string>(["status", "title", "message", "code"], StringComparer.Ordinal),
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["code"] = new OpenApiSchemaReference(CodeId, document),
            ["message"] = Text("What went wrong, in the original service's words (old clients read them)."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["title"] = Text("A short summary; the same words as `message`."),
            ["detail"] = Text("What to do about it where the service can tell: the limit broken, the format expected.", nullable: true),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "With `invalid_request` (and `invalid_date`): per field, what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["etag"] = Text("With `precondition_failed`: the `ETag` of the version there is now."),
            ["type"] = Text("A URI naming the kind of problem.", nullable: true),
            ["instance"] = Text("A URI naming this occurrence.", nullable: true),
            ["traceId"] = Text("The request's trace id, to quote to the clinic's operators."),
        },
    };

    private static OpenApiSchema Text(string description, bool nullable = false) => new()
    {
        Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String,
        Description = description,
    };
}
