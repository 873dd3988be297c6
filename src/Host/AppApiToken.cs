namespace Appointments.Host;

/// <summary><c>APP_API_TOKEN</c>, the token daprd sends on every call to the app (<c>dapr.io/app-token-secret</c>).</summary>
internal sealed class AppApiTokenOptions
{
    public string? Token { get; set; }
}

/// <summary>
/// In Dapr mode the cron routes let anyone who reaches the app port make every replica scan unless
/// <c>APP_API_TOKEN</c> is set (<c>CronTriggers</c>): outside Development a start without it is refused.
/// </summary>
internal static class AppApiToken
{
    public static void RequireAppApiToken(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AppApiTokenOptions>()
            .Configure<IConfiguration>((o, configuration) => o.Token = configuration["APP_API_TOKEN"])
            .Validate<IHostEnvironment>((o, environment) => environment.IsDevelopment() || !string.IsNullOrEmpty(o.Token),
                "APP_API_TOKEN must be set in Dapr mode outside Development (the secret of dapr.io/app-token-secret): without it anyone who reaches the app port can trigger the cron routes.")
            .ValidateOnStart();
    }
}
