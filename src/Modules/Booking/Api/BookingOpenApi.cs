using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appointments.Booking.Api;

/// <summary>Booking's part of the OpenAPI document: its schemas described (<see cref="OpenApiSchemas"/>), then its operations (<see cref="OpenApiOperations"/>).</summary>
internal sealed class BookingOpenApi : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        OpenApiSchemas.Describe(document);
        OpenApiOperations.Describe(document, context.ApplicationServices);
        return Task.CompletedTask;
    }
}
