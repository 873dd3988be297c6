using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appointments.Host;

/// <summary>
/// The document's title and its Bearer scheme, so Scalar can send authenticated calls, and the 429 every /api and
/// /fhir route can answer: the rate limiter is the host's, so the modules' routes do not list it themselves.
/// </summary>
internal sealed class OpenApiDescription : IOpenApiDocumentTransformer
{
    private const string Description = """
        Book, reschedule and cancel doctor visits. Every /api route needs `Authorization: Bearer <JWT>`; the caller is
        the token's `sub`, and their role (`patient`, `doctor` or `admin`) comes from the user service's profile (or,
        without one, the token's `role` claim).

        | Change | patient (own) | doctor (with them) | admin |
        |---|---|---|---|
        | book; change time, doctor, slot, contact | yes | no (403) | yes |
        | cancel (optional reason) | yes | yes | yes |
        | un-cancel (`status: scheduled`) | if they cancelled it | if they cancelled it | yes |
        | record `completed` / `no_show`, once the start has passed | no (403) | yes | yes |
        | delete | yes | no (403) | yes |

        `completed` and `no_show` are final (409 `appointment_closed`). Patients and doctors book no sooner than
        `Booking:MinimumNotice` and no later than `Booking:Horizon` ahead; admins are exempt.

        Times without an offset are in the clinic's time zone (`time_zone` on a schedule or the directory). Every error
        is a problem document with a `code` to branch on. Every change answers with the document as it is now and its
        `ETag`, which the next change sends back in `If-Match`.
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Appointments";
        document.Info.Description = Description;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        OpenApiProblems.Describe(document);
        foreach (var operation in document.Paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal) || p.Key.StartsWith("/fhir/", StringComparison.Ordinal))
                     .SelectMany(p => p.Value.Operations?.Values.AsEnumerable() ?? []))
        {
            AddTooManyRequests(operation);
        }

        return Task.CompletedTask;
    }

    private static void AddTooManyRequests(OpenApiOperation operation)
    {
        operation.Responses ??= [];
        operation.Responses[StatusCodes.Status429TooManyRequests.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
        {
            Description = $"{RateLimits.TooMany}: over the caller's RateLimits:WritesPerMinute or ReadsPerMinute.",

            // The same body as the route's 401 (a problem, or under /fhir an OperationOutcome), which every route lists.
            Content = operation.Responses.TryGetValue("401", out var unauthorized) ? unauthorized.Content : null,
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds until the caller's window opens again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                },
            },
        };
    }
}
