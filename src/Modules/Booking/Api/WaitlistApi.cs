using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Appointments.Booking.Waitlist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Api;

/// <summary>Every route of <c>/api/waitlist</c> (API.md, "Waitlist"); one handler each below.</summary>
internal static class WaitlistApi
{
    public const string Added = "Added to waitlist";
    public const string Removed = "Removed from waitlist";
    public const string Declined = "Offer declined";

    public static void MapWaitlistApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/waitlist").RequireAuthorization().WithTags("Waitlist")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/", Join).WithExamples(typeof(JoinWaitlistRequest), WaitlistExamples.JoinRequest, WaitlistExamples.Joined)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);
        api.MapGet("/", List).WithExamples(null, null, WaitlistExamples.Entries).ProducesProblem(403);
        api.MapDelete("/{id}", Leave).WithExamples(null, null, _ => $$"""{"message": "{{Removed}}"}""").ProducesProblem(404);
        api.MapPost("/{id}/accept", Accept).WithExamples(null, null, OpenApiExamples.CreateResponse)
            .WithResponseHeader(StatusCodes.Status201Created, HeaderNames.Location, "The new appointment's URL.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        api.MapPost("/{id}/decline", Decline).WithExamples(null, null, _ => $$"""{"message": "{{Declined}}"}""").ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<Results<Created<JoinedResponse>, ProblemHttpResult>> Join(
        JsonBody body, ClaimsPrincipal user, [AsParameters] WaitlistServices services, CancellationToken cancellationToken)
    {
        var (fields, error) = body.Fields();
        var (request, invalid) = fields is null ? (null, error) : fields.ToWaitlistRequest();
        if (request is null)
        {
            return Problems.From(invalid!);
        }

        var (id, refused) = await services.Desk.JoinAsync(Caller.From(user), request, cancellationToken);
        return id is null ? Problems.From(refused!) : TypedResults.Created((string?)null, new JoinedResponse(Added, id));
    }

    private static async Task<Results<Ok<List<WaitlistDocument>>, ProblemHttpResult>> List(
        [FromQuery(Name = "doctor")] string? doctor, ClaimsPrincipal user, [AsParameters] WaitlistServices services, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(doctor) && DoctorQuery.RefuseDoctor(doctor) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var (entries, error) = await services.Desk.ListAsync(Caller.From(user), string.IsNullOrEmpty(doctor) ? null : doctor, cancellationToken);
        return entries is null ? Problems.From(error!) : TypedResults.Ok(entries.Select(e => WaitlistDocument.Of(e, services.Clinic)).ToList());
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Leave(
        string id, ClaimsPrincipal user, [AsParameters] WaitlistServices services, CancellationToken cancellationToken) =>
        await services.Desk.LeaveAsync(Caller.From(user), id, cancellationToken) is { } error ? Problems.From(error) : TypedResults.Ok(new MessageResponse(Removed));

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Decline(
        string id, ClaimsPrincipal user, [AsParameters] WaitlistServices services, CancellationToken cancellationToken) =>
        await services.Desk.DeclineAsync(Caller.From(user), id, cancellationToken) is { } error ? Problems.From(error) : TypedResults.Ok(new MessageResponse(Declined));

    private static async Task<Results<Created<CreatedResponse>, ProblemHttpResult>> Accept(
        string id, ClaimsPrincipal user, HttpResponse response, [AsParameters] WaitlistServices services, CancellationToken cancellationToken)
    {
        var (booked, refused) = await services.Desk.AcceptAsync(Caller.From(user), id, cancellationToken);
        if (booked?.Written is not { } written)
        {
            return Problems.From(refused ?? BookingError.OfferExpired);
        }

        response.Headers.ETag = $"\"{written.ETag}\"";
        var document = AppointmentDocument.From(written.Appointment, services.Clinic, Deliveries.None);
        return TypedResults.Created(services.Links.Location($"/api/appointments/{booked.Id}"), new CreatedResponse(AppointmentsApi.Created, booked.Id, document));
    }
}

/// <summary>What every waitlist handler needs, bound from DI.</summary>
internal sealed record WaitlistServices(WaitlistDesk Desk, Clinic Clinic, PublicLinks Links);

internal sealed record JoinedResponse([property: JsonPropertyName("message")] string Message, [property: JsonPropertyName("_id")] string Id);

/// <summary>The body of <c>POST /api/waitlist</c>, for the OpenAPI document only: bodies are read field by field.</summary>
internal sealed record JoinWaitlistRequest(
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("visit_type")] string? VisitType = null,
    [property: JsonPropertyName("email")] string? Email = null,
    [property: JsonPropertyName("phone")] string? Phone = null,
    [property: JsonPropertyName("reminder_method")] string? ReminderMethod = null,
    [property: JsonPropertyName("username")] string? Username = null);

/// <summary>A waitlist entry as its patient (or the front desk) reads it; <c>offer</c> while time is held for it.</summary>
internal sealed record WaitlistDocument(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("visit_type")] string? VisitType,
    [property: JsonPropertyName("duration_minutes")] int DurationMinutes,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("offer")] OfferDocument? Offer,
    [property: JsonPropertyName("appointment_id")] string? AppointmentId)
{
    public static WaitlistDocument Of(WaitlistEntry entry, Clinic clinic)
    {
        // An offer past its time has ended, whether or not a sweep has written that yet.
        var live = entry.LiveOffer(clinic.UtcNow);
        var status = entry.Status == WaitlistStatus.Offered && live is null ? WaitlistStatus.Expired : entry.StatusOn(Schedule.DayOf(clinic.UtcNow, clinic.Zone));
        return new(entry.Id, entry.Username, entry.Doctor, Date(entry.From), Date(entry.To), entry.VisitType, entry.Minutes, status, entry.CreatedAt,
            live is null ? null : new OfferDocument(clinic.FormatWithOffset(live.Start), clinic.FormatWithOffset(live.End), clinic.Format(live.Start), live.Minutes, clinic.FormatWithOffset(live.ExpiresAt)),
            entry.AppointmentId);
    }

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

internal sealed record OfferDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("date_time")] string DateTime,
    [property: JsonPropertyName("duration_minutes")] int DurationMinutes,
    [property: JsonPropertyName("expires_at")] string ExpiresAt);

/// <summary>The waitlist's request and answer examples, written for the day the document is built.</summary>
internal static class WaitlistExamples
{
    public static readonly Func<ExampleDates, string> JoinRequest = d =>
        $$"""{"doctor": "dr-house", "from": "{{d.Date()}}", "to": "{{d.Date(4)}}", "email": "alice@example.com", "reminder_method": "email"}""";

    public static readonly Func<ExampleDates, string> Joined = _ => $$"""{"message": "{{WaitlistApi.Added}}", "_id": "{{OpenApiExamples.Id}}"}""";

    public static readonly Func<ExampleDates, string> Entries = d => $$"""
        [{"_id": "{{OpenApiExamples.Id}}", "username": "alice", "doctor": "dr-house", "from": "{{d.Date()}}", "to": "{{d.Date(4)}}",
          "visit_type": null, "duration_minutes": 30, "status": "offered", "created_at": "{{d.Stamp(-600)}}",
          "offer": {"start": "{{d.WithOffset("10:00")}}", "end": "{{d.WithOffset("10:30")}}", "date_time": "{{d.Local("10:00")}}",
                    "duration_minutes": 30, "expires_at": "{{d.Stamp(15)}}"}, "appointment_id": null}]
        """;
}

[JsonSerializable(typeof(JoinedResponse))]
[JsonSerializable(typeof(JoinWaitlistRequest))]
[JsonSerializable(typeof(List<WaitlistDocument>))]
internal sealed partial class WaitlistApiJson : JsonSerializerContext;
