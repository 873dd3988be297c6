using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Appointments.Host;

/// <summary>The <c>RateLimits:</c> section: requests per caller and minute; 0 turns a limit off.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>POST, PUT, PATCH and DELETE.</summary>
    [Range(0, int.MaxValue)]
    public int WritesPerMinute { get; set; } = 60;

    /// <summary>Every other method.</summary>
    [Range(0, int.MaxValue)]
    public int ReadsPerMinute { get; set; } = 600;
}

/// <summary>
/// API.md's rate limits: a fixed one-minute window per caller (the token's <c>sub</c>) and kind of request, so
/// one caller's burst never takes another's permits. Requests without a caller are not counted here: they are
/// 401 anyway. The windows run on the system clock: ASP.NET Core's limiters take no <see cref="TimeProvider"/>.
/// </summary>
internal static class RateLimits
{
    public const string TooMany = "Too many requests";

    public static void AddCallerRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string Caller, bool Write)>(context => Partition(context, limits.Value));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
    }

    private static RateLimitPartition<(string Caller, bool Write)> Partition(HttpContext context, RateLimitOptions limits)
    {
        var method = context.Request.Method;
        var write = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        var perMinute = write ? limits.WritesPerMinute : limits.ReadsPerMinute;
        var caller = context.User.FindFirstValue("sub");
        return caller is null || perMinute == 0
            ? RateLimitPartition.GetNoLimiter(("", write))
            : RateLimitPartition.GetFixedWindowLimiter((caller, write), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = TooMany },
        });
    }
}
