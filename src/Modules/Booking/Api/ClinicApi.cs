using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appointments.Booking.Api;

/// <summary><c>GET /api/doctors</c> and <c>GET /api/slots</c>: the clinic's directory and the first-available search (API.md, "Availability").</summary>
internal static class ClinicApi
{
    public static void MapClinicApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Doctors")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/doctors", Doctors).WithExamples(null, null, OpenApiExamples.Directory);
        api.MapGet("/slots", FirstAvailable).WithExamples(null, null, OpenApiExamples.FirstAvailable).ProducesProblem(400);
    }

    private static async Task<Ok<List<DirectoryDocument>>> Doctors([AsParameters] ClinicServices services, CancellationToken cancellationToken)
    {
        var clinic = services.Clinic;
        var doctors = await services.Directory.DoctorsAsync(cancellationToken);
        return TypedResults.Ok(doctors.Select(d => new DirectoryDocument(
            d.Doctor, d.Schedule.SlotMinutes, VisitTypeDocument.Of(d.Schedule), clinic.Zone.Id, d.NextFree is { } slot ? SlotDocument.Of(slot, clinic) : null)).ToList());
    }

    private static async Task<Results<Ok<List<SlotDocument>>, ProblemHttpResult>> FirstAvailable(
        [FromQuery(Name = "from")] string? from, [FromQuery(Name = "to")] string? to, [FromQuery(Name = "visit_type")] string? visitType,
        [AsParameters] ClinicServices services, CancellationToken cancellationToken)
    {
        var (dates, invalid) = DoctorQuery.ReadDates(("from", from), ("to", to));
        if (dates is null)
        {
            return Problems.From(invalid!);
        }

        var (slots, error) = await services.Directory.FirstAvailableAsync(dates[0], dates[1], DoctorQuery.VisitType(visitType), cancellationToken);
        return slots is null ? Problems.From(error!) : TypedResults.Ok(slots.Select(s => SlotDocument.Of((s.Start, s.End), services.Clinic, s.Doctor)).ToList());
    }
}

/// <summary>What every clinic-wide handler needs, bound from DI.</summary>
internal sealed record ClinicServices(ClinicDirectory Directory, Clinic Clinic);
