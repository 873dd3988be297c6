using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Appointments.Booking.Api;

internal static class Problems
{
    /// <summary>A refusal as ProblemDetails, with the original service's <c>message</c> and, for field errors, <c>errors</c>.</summary>
    public static ProblemHttpResult From(BookingError error)
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
