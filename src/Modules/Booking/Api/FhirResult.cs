using System.Text.Json;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using R4 = Hl7.Fhir.Model;

namespace Appointments.Booking.Api;

/// <summary>A FHIR resource as <c>application/fhir+json</c>, written by Firely's serializer.</summary>
internal sealed class FhirResult(R4.Resource resource, int status = StatusCodes.Status200OK) : IResult
{
    public const string ContentType = "application/fhir+json";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(R4.ModelInfo.ModelInspector);

    public static FhirResult Outcome(BookingError error) => new(FhirResources.Outcome(error), error.Status);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = $"{ContentType}; charset=utf-8";
        return JsonSerializer.SerializeAsync(httpContext.Response.Body, resource, resource.GetType(), Json, httpContext.RequestAborted);
    }
}

/// <summary>What the OpenAPI document says a FHIR answer is: any R4 resource, named by its <c>resourceType</c>.</summary>
internal sealed record FhirResource([property: System.Text.Json.Serialization.JsonPropertyName("resourceType")] string ResourceType);
