using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Api;

/// <summary>Every route of <c>/api/doctors/{doctor}</c>, as API.md's "Availability" lists them; one handler each below.</summary>
internal static class DoctorsApi
{
    public const string ScheduleSaved = "Schedule saved";

    public static RouteGroupBuilder MapDoctorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/doctors/{doctor}").RequireAuthorization().WithTags("Doctors")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPut("/schedule", SaveSchedule).WithExamples(typeof(ScheduleDocument), OpenApiExamples.Schedule, OpenApiExamples.Message(ScheduleSaved))
            .ProducesProblem(403).ProducesProblem(412).ProducesProblem(413);
        api.MapGet("/schedule", ReadSchedule).WithExamples(null, null, OpenApiExamples.Schedule)
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, "The schedule's version: send it back in `If-Match` to replace exactly this version.")
            .ProducesProblem(404);
        api.MapGet("/slots", Slots).WithExamples(null, null, OpenApiExamples.Slots).ProducesProblem(404);
        api.MapGet("/appointments", Agenda).WithExamples(null, null, OpenApiExamples.Documents).ProducesProblem(403);
        return api;
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> SaveSchedule(
        string doctor, JsonBody body, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
        [AsParameters] DoctorsServices services, CancellationToken cancellationToken)
    {
        var (schedule, invalid) = (DoctorQuery.RefuseDoctor(doctor) ?? body.Error) is { } refused ? (null, refused) : ScheduleFields.Read(body.Root);
        if (schedule is null)
        {
            return Problems.From(invalid!);
        }

        var error = await services.Availability.SaveScheduleAsync(Caller.From(user), doctor, schedule, Headers.IfMatch(ifMatch), cancellationToken);
        return error is null ? TypedResults.Ok(new MessageResponse(ScheduleSaved)) : Problems.From(error);
    }

    private static async Task<Results<Ok<ScheduleDocument>, ProblemHttpResult>> ReadSchedule(
        string doctor, HttpResponse response, [AsParameters] DoctorsServices services, CancellationToken cancellationToken)
    {
        if (DoctorQuery.RefuseDoctor(doctor) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var (stored, error) = await services.Availability.ReadScheduleAsync(doctor, cancellationToken);
        if (stored is null)
        {
            return Problems.From(error!);
        }

        response.Headers.ETag = $"\"{stored.ETag}\"";
        return TypedResults.Ok(ScheduleDocument.From(stored.Schedule, services.Clinic));
    }

    private static async Task<Results<Ok<List<SlotDocument>>, ProblemHttpResult>> Slots(
        string doctor, [FromQuery(Name = "from")] string? from, [FromQuery(Name = "to")] string? to, [FromQuery(Name = "visit_type")] string? visitType,
        [AsParameters] DoctorsServices services, CancellationToken cancellationToken)
    {
        var (dates, invalid) = DoctorQuery.RefuseDoctor(doctor) is { } bad ? (null, bad) : DoctorQuery.ReadDates(("from", from), ("to", to));
        if (dates is null)
        {
            return Problems.From(invalid!);
        }

        var (slots, error) = await services.Availability.FreeSlotsAsync(doctor, dates[0], dates[1], DoctorQuery.VisitType(visitType), cancellationToken);
        var clinic = services.Clinic;
        return slots is null
            ? Problems.From(error!)
            : TypedResults.Ok(slots.Select(s => SlotDocument.Of(s, clinic)).ToList());
    }

    private static async Task<Results<Ok<List<AppointmentDocument>>, ProblemHttpResult>> Agenda(
        string doctor, [FromQuery(Name = "date")] string? date, [FromQuery(Name = "from")] string? from, [FromQuery(Name = "to")] string? to,
        ClaimsPrincipal user, [AsParameters] DoctorsServices services, CancellationToken cancellationToken)
    {
        // One day (date), or a range of days (from and to, each a date, to included).
        var (dates, invalid) = DoctorQuery.RefuseDoctor(doctor) is { } bad ? (null, bad)
            : date is not null || from is null && to is null ? DoctorQuery.ReadDates(("date", date)) is ([var day], _) ? ([day, day], null) : DoctorQuery.ReadDates(("date", date))
            : DoctorQuery.ReadDates(("from", from), ("to", to));
        if (dates is null)
        {
            return Problems.From(invalid!);
        }

        var (agenda, error) = await services.Availability.AgendaAsync(Caller.From(user), doctor, dates[0], dates[1], cancellationToken);
        return agenda is null
            ? Problems.From(error!)
            : TypedResults.Ok(agenda.Select(a => AppointmentDocument.From(a, services.Clinic)).ToList());
    }
}

/// <summary>What every doctors handler needs, bound from DI.</summary>
internal sealed record DoctorsServices(Availability Availability, Clinic Clinic);
