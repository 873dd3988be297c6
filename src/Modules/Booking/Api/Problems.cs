using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Appointments.Booking.Api;

internal static class Problems
{
    /// <summary>A refusal as ProblemDetails: <c>code</c>, the original service's <c>message</c>, <c>detail</c>, field <c>errors</c>, and a 412's current <c>etag</c>.</summary>
    public static ProblemHttpResult From(BookingError error)
    {
        var problem = error.Errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(error.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        problem.Status = error.Status;
        problem.Title = error.Message;
        problem.Detail = error.Detail;
        problem.Extensions["message"] = error.Message;
        problem.Extensions["code"] = error.Code;
        if (error.CurrentETag is { } etag)
        {
            problem.Extensions["etag"] = $"\"{etag}\"";
        }

        return TypedResults.Problem(problem);
    }
}
