using System.Buffers;
using Appointments.Booking.Storage;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Api;

/// <summary>Every route of <c>/api/appointments</c>, as API.md lists them; one handler each below.</summary>
internal static class AppointmentsApi
{
    public const string Created = "Appointment created successfully";
    public const string Updated = "Appointment updated successfully";
    public const string Deleted = "Appointment deleted successfully";
    public const string Canceled = "Appointment canceled successfully";
    public const string Rescheduled = "Appointment rescheduled successfully";

    public static RouteGroupBuilder MapAppointmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/appointments").RequireAuthorization().WithTags("Appointments");

        api.MapPost("/", Book).WithExamples(typeof(CreateAppointmentRequest), OpenApiExamples.CreateRequest, OpenApiExamples.CreateResponse)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(503);
        api.MapGet("/", List).WithExamples(null, null, $"[{OpenApiExamples.Document}]").ProducesProblem(400);
        api.MapGet("/{id}", Read).WithExamples(null, null, OpenApiExamples.Document).ProducesProblem(404);
        api.MapPut("/{id}", Update).WithExamples(typeof(UpdateAppointmentRequest), OpenApiExamples.UpdateRequest, OpenApiExamples.Message(Updated))
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(413);
        api.MapDelete("/{id}", Delete).WithExamples(null, null, OpenApiExamples.Message(Deleted)).ProducesProblem(404).ProducesProblem(412);
        api.MapPost("/{id}/cancel", Cancel).WithExamples(null, null, OpenApiExamples.Message(Canceled)).ProducesProblem(404).ProducesProblem(412);
        api.MapPut("/{id}/reschedule", Reschedule).WithExamples(typeof(RescheduleRequest), OpenApiExamples.RescheduleRequest, OpenApiExamples.Message(Rescheduled))
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        api.MapGet("/status/{id}", ReadStatus).WithExamples(null, null, """{"status": "scheduled"}""").ProducesProblem(404);
        return api;
    }

    private static async Task<Results<Created<CreatedResponse>, ProblemHttpResult>> Book(
        HttpContext context, BookingService booking, IOptions<BookingOptions> options, CancellationToken cancellationToken)
    {
        var (input, bodyError) = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        if (bodyError is not null)
        {
            return Problem(bodyError);
        }

        var (id, error) = await booking.BookAsync(Caller.From(context.User), input!, cancellationToken);
        return error is not null ? Problem(error) : TypedResults.Created($"/api/appointments/{id}", new CreatedResponse(Created, id!));
    }

    private static async Task<Results<Ok<List<AppointmentDocument>>, ProblemHttpResult>> List(
        HttpContext context, BookingService booking, Clinic clinic, IOptions<BookingOptions> options, CancellationToken cancellationToken)
    {
        var (query, error) = ListQuery.Read(context.Request.Query, clinic, options.Value.MaxPageSize);
        if (error is not null)
        {
            return Problem(error);
        }

        var all = await booking.ListAsync(Caller.From(context.User), cancellationToken);
        var page = query!.Apply(all).ToList();
        if (page.Count > query.Limit)
        {
            page.RemoveAt(page.Count - 1);
            context.Response.Headers["X-Next-Cursor"] = ListQuery.CursorAfter(page[^1]);
        }

        return TypedResults.Ok(page.Select(a => AppointmentDocument.From(a, clinic)).ToList());
    }

    private static async Task<Results<Ok<AppointmentDocument>, ProblemHttpResult>> Read(
        string id, HttpContext context, BookingService booking, Clinic clinic, CancellationToken cancellationToken)
    {
        var (stored, error) = await FindAsync(id, context, booking, cancellationToken);
        if (error is not null)
        {
            return Problem(error);
        }

        context.Response.Headers.ETag = $"\"{stored!.ETag}\"";
        return TypedResults.Ok(AppointmentDocument.From(stored.Appointment, clinic));
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> ReadStatus(
        string id, HttpContext context, BookingService booking, CancellationToken cancellationToken)
    {
        var (stored, error) = await FindAsync(id, context, booking, cancellationToken);
        return error is not null ? Problem(error) : TypedResults.Ok(new StatusResponse(stored!.Appointment.Status));
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Update(
        string id, HttpContext context, BookingService booking, IOptions<BookingOptions> options, CancellationToken cancellationToken)
    {
        var (input, bodyError) = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        return bodyError is not null
            ? Problem(bodyError)
            : await ChangeAsync(id, context, booking, input!, Updated, cancellationToken);
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Reschedule(
        string id, HttpContext context, BookingService booking, IOptions<BookingOptions> options, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        if (bodyError is not null)
        {
            return Problem(bodyError);
        }

        body!.Require(body.NewDateTime, "new_date_time");
        var input = new AppointmentInput();
        if (!body.IsValid)
        {
            return Problem(body.ToError());
        }

        input.SetDateTime(body.NewDateTime.Value);
        return await ChangeAsync(id, context, booking, input, Rescheduled, cancellationToken);
    }

    private static Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Cancel(
        string id, HttpContext context, BookingService booking, CancellationToken cancellationToken)
    {
        var input = new AppointmentInput();
        input.SetStatus(AppointmentStatus.Cancelled);
        return ChangeAsync(id, context, booking, input, Canceled, cancellationToken);
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Delete(
        string id, HttpContext context, BookingService booking, CancellationToken cancellationToken)
    {
        var error = IsAppointmentId(id)
            ? await booking.DeleteAsync(Caller.From(context.User), id, IfMatch(context.Request), cancellationToken)
            : BookingError.NotFound;
        return error is not null ? Problem(error) : TypedResults.Ok(new MessageResponse(Deleted));
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> ChangeAsync(
        string id, HttpContext context, BookingService booking, AppointmentInput input, string message, CancellationToken cancellationToken)
    {
        var error = IsAppointmentId(id)
            ? await booking.ChangeAsync(Caller.From(context.User), id, input, IfMatch(context.Request), cancellationToken)
            : BookingError.NotFound;
        return error is not null ? Problem(error) : TypedResults.Ok(new MessageResponse(message));
    }

    private static async Task<(StoredAppointment? Stored, BookingError? Error)> FindAsync(
        string id, HttpContext context, BookingService booking, CancellationToken cancellationToken) =>
        IsAppointmentId(id) ? await booking.ReadAsync(Caller.From(context.User), id, cancellationToken) : (null, BookingError.NotFound);

    /// <summary>Ids are 24 lower-case hex digits; anything else cannot name an appointment.</summary>
    private static bool IsAppointmentId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);

    private static List<string>? IfMatch(HttpRequest request)
    {
        if (!request.Headers.ContainsKey("If-Match"))
        {
            return null;
        }

        return request.GetTypedHeaders().IfMatch
            .Select(tag => tag.Equals(Microsoft.Net.Http.Headers.EntityTagHeaderValue.Any) ? "*" : tag.Tag.ToString().Trim('"'))
            .ToList();
    }

    private static async Task<(AppointmentInput? Input, BookingError? Error)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, BookingError.TooLarge);
        }

        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return (null, BookingError.TooLarge);
            }
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            return (AppointmentInput.Read(document.RootElement), null);
        }
        catch (JsonException)
        {
            return (null, BookingError.Invalid("body", "must be valid JSON"));
        }
    }

    private static ProblemHttpResult Problem(BookingError error)
    {
        var problem = error.Errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(error.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        problem.Status = error.Status;
        problem.Title = error.Message;
        problem.Extensions["message"] = error.Message;
        return TypedResults.Problem(problem);
    }
}
