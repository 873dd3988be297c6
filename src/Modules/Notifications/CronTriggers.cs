using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appointments.Notifications;

/// <summary>
/// <c>POST /reminder-cron</c> and <c>POST /notice-cron</c>, the triggers of Dapr's cron input bindings (DAPR.md, "Cron
/// input binding"): daprd POSTs an empty body on every replica and ignores the answer. With <c>dapr.io/app-token-secret</c> daprd sends
/// <c>dapr-api-token: $APP_API_TOKEN</c> on every call to the app; when <c>APP_API_TOKEN</c> is set, a call without it
/// is refused, so nothing but the sidecar can make every replica scan.
/// </summary>
internal static class CronTriggers
{
    private const string TokenHeader = "dapr-api-token";

    public static void MapCronTriggers(this IEndpointRouteBuilder app)
    {
        var token = app.ServiceProvider.GetRequiredService<IConfiguration>()["APP_API_TOKEN"];
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
                    string.IsNullOrEmpty(token) || Matches(context.HttpContext.Request.Headers[TokenHeader].ToString(), token)
                        ? await next(context)
                        : TypedResults.Problem(title: "Unauthorized", statusCode: StatusCodes.Status401Unauthorized))
                .ExcludeFromDescription();
        }
    }

    private static bool Matches(string sent, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(token));
}
