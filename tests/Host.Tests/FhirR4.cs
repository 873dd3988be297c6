using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using R4 = Hl7.Fhir.Model;

namespace Appointments.Host.Tests;

/// <summary>
/// What a FHIR client would check: the body parses as R4 in Firely's strict mode and validates against the R4
/// core definitions (specification.zip), invariants included.
/// </summary>
internal static class FhirR4
{
    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions().ForFhir(R4.ModelInfo.ModelInspector).UsingMode(DeserializationMode.Strict);

    // Compiling the core profiles takes seconds: once per test run, shared by every class.
    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source.AsAsync()));
    });

    private static readonly Lock Gate = new();

    /// <summary>An instant as served: ISO 8601 with its offset.</summary>
    public static string Text(R4.Instant? instant) =>
        instant?.Value?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    public static async Task<T> ValidAsync<T>(HttpResponseMessage response)
        where T : R4.Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/fhir+json", text);
        var resource = JsonSerializer.Deserialize<R4.Resource>(text, Strict);
        lock (Gate)
        {
            var outcome = Validator.Value.Validate(resource!);
            outcome.Success.Should().BeTrue($"{outcome}\n{text}");
        }

        return resource.Should().BeOfType<T>().Subject;
    }
}
