using Microsoft.AspNetCore.Http;

namespace Appointments.Booking.Api;

/// <summary>
/// Under <c>/fhir</c>, what the host answers before a handler runs (a 429 from the rate limiter, the framework's
/// 404 and 405) is an <c>OperationOutcome</c> like every other refusal there, not a problem document.
/// </summary>
internal sealed class FhirProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments("/fhir");

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var message = context.ProblemDetails.Title ?? ReasonPhrase(status);
        return new ValueTask(FhirResult.Outcome(new BookingError(status, BuildingBlocks.ErrorCodes.OfStatus(status), message)).ExecuteAsync(context.HttpContext));
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
