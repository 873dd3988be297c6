using Appointments.BuildingBlocks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Appointments.Host;

/// <summary>
/// The one place exceptions become answers: an unreachable dependency is 503 with <c>Retry-After</c>,
/// a request Kestrel refuses keeps its status, and anything else is logged and answered with a plain 500.
/// Every answer is ProblemDetails with the original service's <c>message</c> member.
/// </summary>
internal sealed class ErrorAnswers(IProblemDetailsService problems, ILogger<ErrorAnswers> logger) : IExceptionHandler
{
    public const string Unavailable = "Service temporarily unavailable";
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, message) = exception switch
        {
            DependencyUnavailableException => (StatusCodes.Status503ServiceUnavailable, Unavailable),
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred"),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Answered 503 to {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = message },
        });
    }

    /// <summary>Every ProblemDetails, the framework's own 401/404/405 included, also says <c>message</c> and <c>code</c>.</summary>
    public static void AddMessage(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions.TryAdd("message", context.ProblemDetails.Title);
        context.ProblemDetails.Extensions.TryAdd("code", ErrorCodes.OfStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
    }
}
