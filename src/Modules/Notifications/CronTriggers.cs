using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications;

/// <summary>
/// <c>POST /reminder-cron</c> and <c>POST /notice-cron</c>, the triggers of Dapr's cron input bindings (DAPR.md, "Cron
/// input binding"): daprd POSTs an empty body on every replica and ignores the answer. With <c>dapr.io/app-token-secret</c>
/// daprd sends <c>dapr-api-token: $APP_API_TOKEN</c> on every call to the app; when <c>APP_API_TOKEN</c> is set, a call
/// without it is refused (401). daprd adds that token to service invocations too, and stamps those with the caller's
/// app id, which a cron binding's call never has: a call with <c>dapr-caller-app-id</c> is refused (403), so no other app
/// of the mesh (nor this one) can make every replica scan.
/// </summary>
internal static class CronTriggers
{
    private const string TokenHeader = "dapr-api-token";
    private const string CallerHeader = "dapr-caller-app-id";

    public static void MapCronTriggers(this IEndpointRouteBuilder app)
    {
        var token = app.ServiceProvider.GetRequiredService<IConfiguration>()["APP_API_TOKEN"];
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CronTriggers));
        foreach (var (route, scan) in new (string, Func<IServiceProvider, Func<CancellationToken, Task>>)[]
        {
            (NotificationsModule.CronBindingName, services => services.GetRequiredService<ReminderScan>().RunAsync),
            (NotificationsModule.NoticeCronBindingName, services => services.GetRequiredService<Notices.NoticeScan>().RunAsync),
        })
        {
            // The scan follows the host's lifetime, not the request's: daprd giving up on the request must not
            // cut a scan short between claim and send.
            app.MapPost($"/{route}", async (HttpContext context, IHostApplicationLifetime lifetime) =>
                {
                    await scan(context.RequestServices)(lifetime.ApplicationStopping);
                    return TypedResults.Ok();
                })
                .AddEndpointFilter(async (context, next) =>
                {
                    var headers = context.HttpContext.Request.Headers;
                    if (!string.IsNullOrEmpty(token) && !Matches(headers[TokenHeader].ToString(), token))
                    {
                        return Refused(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized");
                    }

                    if (headers.TryGetValue(CallerHeader, out var caller))
                    {
                        logger.LogWarning("Refused POST /{Route} from app {Caller} through service invocation: only the cron binding triggers scans",
                            route, caller.ToString());
                        return Refused(StatusCodes.Status403Forbidden, "forbidden", "Only Dapr's cron binding may trigger a scan, not service invocation");
                    }

                    return await next(context);
                })
                .ExcludeFromDescription();
        }
    }

    private static ProblemHttpResult Refused(int status, string code, string title) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    private static bool Matches(string sent, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(token));
}
