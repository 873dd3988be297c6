using System.Security.Claims;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Appointments.Host.Audit;

/// <summary>
/// Every answer under <c>/api</c> and <c>/fhir</c> is one audit entry: who (the token's <c>sub</c> and role), what
/// (the action the route stands for, and the appointment id, doctor or route it was about), how it ended (the
/// status code, refusals included) and from where. The action and the resource come from the endpoint routing
/// chose, so the modules' handlers know nothing of the audit. It runs outside everything else, so the status is
/// the one the client got, whoever answered (authentication, the rate limiter, the exception handler).
/// </summary>
internal sealed class AuditTrail(RequestDelegate next, AuditLog log, TimeProvider time)
{
    // Method and route pattern (as mapped, without a trailing slash) to action. A route missing here is still
    // audited, as "request": an audit that silently skips a new route would be worse.
    private static readonly Dictionary<(string Method, string Route), string> Actions = new()
    {
        [("GET", "/api/appointments")] = "list",
        [("POST", "/api/appointments")] = "create",
        [("GET", "/api/appointments/{id}")] = "read",
        [("GET", "/api/appointments/status/{id}")] = "read",
        [("PUT", "/api/appointments/{id}")] = "update",
        [("DELETE", "/api/appointments/{id}")] = "delete",
        [("POST", "/api/appointments/{id}/cancel")] = "cancel",
        [("PUT", "/api/appointments/{id}/reschedule")] = "reschedule",
        [("GET", "/api/appointments/{id}/history")] = "history",
        [("GET", "/api/doctors/{doctor}/appointments")] = "agenda",
        [("GET", "/api/doctors/{doctor}/schedule")] = "read-schedule",
        [("PUT", "/api/doctors/{doctor}/schedule")] = "schedule",
        [("GET", "/api/doctors/{doctor}/slots")] = "slots",
        [("GET", "/fhir/Appointment/{id}")] = "read",
        [("GET", "/fhir/Appointment")] = "search",
        [("GET", "/fhir/Slot")] = "slots",
    };

    private const int MaxResourceLength = 200;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/fhir"))
        {
            await next(context);
            return;
        }

        // Read before the call: an exception handler clears the endpoint and its route values.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern;
        var values = context.Request.RouteValues;
        var resource = values.TryGetValue("id", out var id) ? AsId(id?.ToString())
            : values.TryGetValue("doctor", out var doctor) ? doctor?.ToString()
            : null;
        try
        {
            await next(context);
        }
        finally
        {
            await log.AppendAsync(Entry(context, route, resource));
        }
    }

    public static IEnumerable<(string Method, string Route)> KnownRoutes => Actions.Keys;

    public static string Normalize(RoutePattern pattern) => "/" + pattern.RawText!.Trim('/');

    // Whatever a client puts where an id goes is not written down: it could be anything, an email address included.
    private static string AsId(string? value) =>
        value is { Length: 24 } && value.All(char.IsAsciiHexDigitLower) ? value : "(not an id)";

    private AuditEntry Entry(HttpContext context, RoutePattern? route, string? resource)
    {
        var user = context.User;
        var request = context.Request;
        var normalized = route is null ? null : Normalize(route);
        var action = normalized is not null && Actions.TryGetValue((request.Method, normalized), out var known) ? known : "request";
        if (resource is null && action == "create" && context.Response.Headers.Location.ToString() is { Length: > 0 } location)
        {
            resource = location[(location.LastIndexOf('/') + 1)..];
        }

        resource ??= normalized ?? "(no route)";
        return new AuditEntry(
            time.GetUtcNow(),
            user.FindFirstValue("sub"),
            user.Identity?.IsAuthenticated == true ? user.FindFirstValue("role") ?? "patient" : null,
            action,
            resource.Length <= MaxResourceLength ? resource : resource[..MaxResourceLength],
            context.Response.StatusCode,
            context.Connection.RemoteIpAddress?.ToString());
    }
}
