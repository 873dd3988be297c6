using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appointments.Host;

/// <summary>The document's title and its Bearer scheme, so Scalar can send authenticated calls.</summary>
internal sealed class OpenApiDescription : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Appointments";
        document.Info.Description = "Book, reschedule and cancel doctor visits. Every /api route needs `Authorization: Bearer <JWT>`.";
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
        return Task.CompletedTask;
    }
}
