using System.Security.Claims;
using Appointments.Booking.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Api;

/// <summary>Every route of <c>/api/appointments</c>, as API.md lists them; one handler each below.</summary>
internal static class AppointmentsApi
{
    public const string Created = "Appointment created successfully";
    public const string Updated = "Appointment updated successfully";
    public const string Deleted = "Appointment deleted successfully";
    public const string Canceled = "Appointment canceled successfully";
    public const string Rescheduled = "Appointment rescheduled successfully";

    private const string ETagMeaning = "The appointment's version: send it back in `If-Match` to change exactly this version.";

    public static RouteGroupBuilder MapAppointmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/appointments").RequireAuthorization().WithTags("Appointments")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/", Book).WithExamples(typeof(CreateAppointmentRequest), OpenApiExamples.CreateRequest, OpenApiExamples.CreateResponse)
            .WithResponseHeader(StatusCodes.Status201Created, HeaderNames.Location, "The new appointment's URL.")
            .WithResponseHeader(StatusCodes.Status201Created, HeaderNames.ETag, ETagMeaning)
            .WithResponseHeader(StatusCodes.Status201Created, Headers.IdempotentReplayed, "`true` when this answers an earlier request with the same `Idempotency-Key` again; nothing new was booked.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        api.MapGet("/", List).WithExamples(null, null, OpenApiExamples.Documents)
            .WithResponseHeader(StatusCodes.Status200OK, Headers.NextCursor, "Present when there are more: pass it back as `cursor` for the next page.")
            .ProducesProblem(400);
        api.MapGet("/{id}", Read).WithExamples(null, null, OpenApiExamples.Document)
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, ETagMeaning)
            .ProducesProblem(404);
        api.MapPut("/{id}", Update).WithExamples(typeof(UpdateAppointmentRequest), OpenApiExamples.UpdateRequest, OpenApiExamples.Changed(Updated))
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, ETagMeaning).WithResponseHeader(StatusCodes.Status412PreconditionFailed, HeaderNames.ETag, "The version there is now.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(413);
        api.MapDelete("/{id}", Delete).WithExamples(null, null, OpenApiExamples.Message(Deleted))
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        api.MapPost("/{id}/cancel", Cancel).WithExamples(typeof(CancelRequest), OpenApiExamples.CancelRequest, OpenApiExamples.Changed(Canceled), requestRequired: false)
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, ETagMeaning).WithResponseHeader(StatusCodes.Status412PreconditionFailed, HeaderNames.ETag, "The version there is now.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(413);
        api.MapPut("/{id}/reschedule", Reschedule).WithExamples(typeof(RescheduleRequest), OpenApiExamples.RescheduleRequest, OpenApiExamples.Changed(Rescheduled))
            .WithResponseHeader(StatusCodes.Status200OK, HeaderNames.ETag, ETagMeaning).WithResponseHeader(StatusCodes.Status412PreconditionFailed, HeaderNames.ETag, "The version there is now.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(413);
        api.MapGet("/status/{id}", ReadStatus).WithExamples(null, null, OpenApiExamples.Status).ProducesProblem(404);
        api.MapGet("/{id}/history", History).WithExamples(null, null, OpenApiExamples.History).ProducesProblem(404);
        return api;
    }

    private static async Task<Results<Created<CreatedResponse>, ProblemHttpResult>> Book(
        JsonBody body, [FromHeader(Name = Headers.IdempotencyKey)] string? idempotencyHeader, ClaimsPrincipal user, HttpResponse response,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (fields, error) = body.Fields();
        var (request, invalid) = fields is null ? (null, error) : fields.ToNewAppointment(services.Clinic);
        var idempotencyKey = Headers.IdempotencyKeyOf(idempotencyHeader);
        if ((invalid ?? Headers.RefuseIdempotencyKey(idempotencyKey)) is { } refusal)
        {
            return Problems.From(refusal);
        }

        var (booked, refused) = await services.Book.BookAsync(Caller.From(user), request!, idempotencyKey, null, cancellationToken);
        if (booked is null)
        {
            return Problems.From(refused!);
        }

        if (booked.Replayed)
        {
            response.Headers[Headers.IdempotentReplayed] = "true";
        }

        // A new booking has had no notice yet: what was written is the whole answer.
        var document = booked.Written is { } written
            ? Answer(written, Deliveries.None, user, response, services)
            : await DocumentAsync(booked.Id, user, response, services, cancellationToken);
        return TypedResults.Created(services.Links.Location($"/api/appointments/{booked.Id}"), new CreatedResponse(Created, booked.Id, document));
    }

    private static async Task<Results<Ok<List<AppointmentDocument>>, ProblemHttpResult>> List(
        [AsParameters] ListQuery query, ClaimsPrincipal user, HttpResponse response, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (request, error) = query.Read(services.Clinic, services.Options.Value.MaxPageSize);
        if (request is null)
        {
            return Problems.From(error!);
        }

        var page = await services.Book.ListPageAsync(Caller.From(user), request.Filter, request.Limit, request.After, cancellationToken);
        if (page.Next is { } next)
        {
            response.Headers[Headers.NextCursor] = ListQuery.CursorAfter(next);
        }

        return TypedResults.Ok(page.Items.Select(a => AppointmentDocument.From(a, services.Clinic)).ToList());
    }

    private static async Task<Results<Ok<AppointmentDocument>, ProblemHttpResult>> Read(
        string id, ClaimsPrincipal user, HttpResponse response, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var document = await DocumentAsync(id, user, response, services, cancellationToken);
        return document is null ? Problems.From(BookingError.NotFound) : TypedResults.Ok(document);
    }

    /// <summary>The appointment as the caller may see it now, its version in the <c>ETag</c> header; null when they may not.</summary>
    private static async Task<AppointmentDocument?> DocumentAsync(
        string id, ClaimsPrincipal user, HttpResponse response, BookingServices services, CancellationToken cancellationToken)
    {
        var (stored, deliveries, _) = await services.Book.ReadAsync(Caller.From(user), id, cancellationToken);
        return stored is null ? null : Answer(stored, deliveries, user, response, services);
    }

    /// <summary>The appointment as the caller may see it, its version in the <c>ETag</c> header.</summary>
    private static AppointmentDocument Answer(StoredAppointment stored, Deliveries deliveries, ClaimsPrincipal user, HttpResponse response, BookingServices services)
    {
        // How a patient's messages went is the patient's and the front desk's business, not their doctor's.
        response.Headers.ETag = $"\"{stored.ETag}\"";
        return AppointmentDocument.From(stored.Appointment, services.Clinic, Caller.From(user).Role == Caller.Doctor ? null : deliveries);
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> ReadStatus(
        string id, ClaimsPrincipal user, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (stored, _, error) = await services.Book.ReadAsync(Caller.From(user), id, cancellationToken);
        return stored is null ? Problems.From(error!) : TypedResults.Ok(new StatusResponse(stored.Appointment.Status));
    }

    private static async Task<Results<Ok<List<HistoryEntry>>, ProblemHttpResult>> History(
        string id, ClaimsPrincipal user, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (history, error) = await services.Book.HistoryAsync(Caller.From(user), id, cancellationToken);
        return history is null ? Problems.From(error!) : TypedResults.Ok(history.ToList());
    }

    private static async Task<Results<Ok<ChangedResponse>, ProblemHttpResult>> Update(
        string id, JsonBody body, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (fields, error) = body.Fields();
        var (changes, invalid) = fields is null ? (null, error) : fields.ToChanges(services.Clinic);
        return changes is null
            ? Problems.From(invalid!)
            : await AnswerAsync(await services.Book.UpdateAsync(Caller.From(user), id, changes, Headers.IfMatch(ifMatch), cancellationToken), Updated, id, user, response, services, cancellationToken);
    }

    private static async Task<Results<Ok<ChangedResponse>, ProblemHttpResult>> Reschedule(
        string id, JsonBody body, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var (fields, error) = body.Fields();
        var (start, invalid) = fields is null ? (null, error) : fields.ToNewStart(services.Clinic);
        return start is null
            ? Problems.From(invalid!)
            : await AnswerAsync(await services.Book.RescheduleAsync(Caller.From(user), id, start.Value, Headers.IfMatch(ifMatch), cancellationToken), Rescheduled, id, user, response, services, cancellationToken);
    }

    private static async Task<Results<Ok<ChangedResponse>, ProblemHttpResult>> Cancel(
        string id, JsonBody body, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        // The body is optional: the original service's clients send none.
        var (fields, error) = body.IsEmpty ? (null, null) : body.Fields();
        var (reason, invalid) = fields is null ? (null, error) : fields.ToCancelReason();
        return invalid is not null
            ? Problems.From(invalid)
            : await AnswerAsync(await services.Book.CancelAsync(Caller.From(user), id, reason, Headers.IfMatch(ifMatch), cancellationToken), Canceled, id, user, response, services, cancellationToken);
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Delete(
        string id, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
        [AsParameters] BookingServices services, CancellationToken cancellationToken) =>
        Answer(await services.Book.DeleteAsync(Caller.From(user), id, Headers.IfMatch(ifMatch), cancellationToken), Deleted);

    private static Results<Ok<MessageResponse>, ProblemHttpResult> Answer(BookingError? error, string message) =>
        error is null ? TypedResults.Ok(new MessageResponse(message)) : Problems.From(error);

    /// <summary>
    /// A change's answer: the original's message beside the document as it is now, with its <c>ETag</c>, so the next
    /// <c>If-Match</c> needs no GET first; a 412 says the version there is now.
    /// </summary>
    private static async Task<Results<Ok<ChangedResponse>, ProblemHttpResult>> AnswerAsync(
        BookingError? error, string message, string id, ClaimsPrincipal user, HttpResponse response, BookingServices services, CancellationToken cancellationToken)
    {
        if (error is not null)
        {
            if (error.CurrentETag is { } current)
            {
                response.Headers.ETag = $"\"{current}\"";
            }

            return Problems.From(error);
        }

        return TypedResults.Ok(new ChangedResponse(message, await DocumentAsync(id, user, response, services, cancellationToken)));
    }
}

/// <summary>What every appointments handler needs, bound from DI.</summary>
internal sealed record BookingServices(AppointmentBook Book, Clinic Clinic, IOptions<BookingOptions> Options, PublicLinks Links);
