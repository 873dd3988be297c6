using System.Security.Claims;
using Appointments.BuildingBlocks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using R4 = Hl7.Fhir.Model;

namespace Appointments.Booking.Api;

/// <summary>
/// Read-only FHIR R4 views for other clinical systems (API.md, "FHIR R4"): the same callers, visibility and statuses
/// as <c>/api</c>, every answer <c>application/fhir+json</c>, every refusal an <c>OperationOutcome</c>.
/// </summary>
internal static class FhirApi
{
    private static readonly BookingError Unauthorized = new(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized");
    private static readonly BookingError Unavailable = new(StatusCodes.Status503ServiceUnavailable, "unavailable", "Service temporarily unavailable");

    // As the host answers /api when a dependency is down.
    private const string RetryAfterSeconds = "5";

    public static RouteGroupBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        // Not RequireAuthorization: a missing or bad token must be an OperationOutcome too, so Guard answers it.
        var fhir = app.MapGroup("/fhir").WithTags("FHIR R4").AddEndpointFilter(Guard).Answers(401, 503);

        fhir.MapGet("/Appointment/{id}", ReadAppointment).Answers(200, 404).WithFhirExample(OpenApiExamples.FhirAppointment);
        fhir.MapGet("/Appointment", SearchAppointments).Answers(200, 400).WithFhirExample(OpenApiExamples.FhirAppointments);
        fhir.MapGet("/Slot", SearchSlots).Answers(200, 400, 404).WithFhirExample(OpenApiExamples.FhirSlots);
        return fhir;
    }

    private static async Task<FhirResult> ReadAppointment(
        string id, ClaimsPrincipal user, [AsParameters] FhirServices services, CancellationToken cancellationToken)
    {
        var (stored, _, error) = await services.Book.ReadAsync(Caller.From(user), id, cancellationToken);
        return stored is null ? FhirResult.Outcome(error!) : new FhirResult(FhirResources.Appointment(stored.Appointment, services.Clinic));
    }

    private static async Task<FhirResult> SearchAppointments(
        [FromQuery(Name = "date")] string[]? date, [FromQuery(Name = "patient")] string? patient, [FromQuery(Name = "practitioner")] string? practitioner,
        ClaimsPrincipal user, HttpRequest request, [AsParameters] FhirServices services, CancellationToken cancellationToken)
    {
        var (from, to, invalid) = FhirQuery.ReadRange("date", date, services.Clinic);
        if (invalid is not null)
        {
            return FhirResult.Outcome(invalid);
        }

        var query = new AppointmentQuery(from, to, FhirQuery.Id(patient, "Patient"), FhirQuery.Id(practitioner, "Practitioner"));
        var (appointments, error) = await services.Search.FindAsync(Caller.From(user), query, cancellationToken);
        if (appointments is null)
        {
            return FhirResult.Outcome(error!);
        }

        var baseUrl = services.Links.Url(request, "/fhir/Appointment/");
        var matches = appointments.Select(a => (R4.Resource)FhirResources.Appointment(a, services.Clinic)).ToList();
        return new FhirResult(FhirResources.Searchset(matches, services.Links.Self(request), m => baseUrl + m.Id));
    }

    private static async Task<FhirResult> SearchSlots(
        [FromQuery(Name = "schedule")] string? schedule, [FromQuery(Name = "start")] string[]? start,
        [FromQuery(Name = "service-type")] string? serviceType, HttpRequest request, [AsParameters] FhirServices services, CancellationToken cancellationToken)
    {
        var doctor = FhirQuery.Id(schedule, "Schedule") ?? "";
        if (DoctorQuery.RefuseDoctor(doctor) is not null)
        {
            return FhirResult.Outcome(BookingError.Invalid("schedule", $"names the doctor's schedule, Schedule/{{doctor}}; a doctor is {RequestFields.NameRule(1)}"));
        }

        var clinic = services.Clinic;
        var (from, to, invalid) = FhirQuery.ReadRange("start", start, clinic);
        if (invalid is not null || Availability.DaysOf(from, to, clinic.Zone) is not (var first, var last))
        {
            return FhirResult.Outcome(invalid ?? BookingError.Invalid("start", Availability.RangeRule));
        }

        var visitType = DoctorQuery.VisitType(serviceType);
        var (slots, error) = await services.Availability.FreeSlotsAsync(doctor, first, last, visitType, cancellationToken);
        if (slots is null)
        {
            // The same rule as /api's visit_type, told under the name this search takes it by.
            return FhirResult.Outcome(error!.Errors is { } errors && errors.TryGetValue("visit_type", out var problems)
                ? BookingError.Invalid("service-type", problems[0])
                : error);
        }

        var matches = slots.Where(s => s.Start >= from && s.Start < to)
            .Select(s => (R4.Resource)FhirResources.Slot(doctor, s.Start, s.End, visitType, clinic)).ToList();
        return new FhirResult(FhirResources.Searchset(matches, services.Links.Self(request), FhirResources.SlotUrl));
    }

    /// <summary>The statuses a FHIR route answers with, each as <c>application/fhir+json</c>.</summary>
    private static TBuilder Answers<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(FhirResource), [FhirResult.ContentType]));
        }

        return builder;
    }

    /// <summary>Answers what never reaches a handler as an <c>OperationOutcome</c>: no valid token (401), an unreachable store (503).</summary>
    private static async ValueTask<object?> Guard(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var response = context.HttpContext.Response;
        if (context.HttpContext.User.Identity?.IsAuthenticated != true)
        {
            response.Headers.WWWAuthenticate = "Bearer";
            return FhirResult.Outcome(Unauthorized);
        }

        try
        {
            return await next(context);
        }
        catch (DependencyUnavailableException)
        {
            response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds;
            return FhirResult.Outcome(Unavailable);
        }
    }
}

/// <summary>What every FHIR handler needs, bound from DI.</summary>
internal sealed record FhirServices(AppointmentBook Book, AppointmentSearch Search, Availability Availability, Clinic Clinic, PublicLinks Links);
