using Microsoft.Net.Http.Headers;

namespace Appointments.Host;

/// <summary>The <c>Cors:</c> section: which browser apps on other origins may call the API.</summary>
internal sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins such as <c>https://book.clinic.example</c>; empty (the default): no cross-origin access.</summary>
    public List<string> AllowedOrigins { get; } = [];

    public bool AreValid() => AllowedOrigins.All(o => Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && uri.Query.Length == 0);
}

/// <summary>
/// Cross-origin access for browser apps on <c>Cors:AllowedOrigins</c>: preflights answered, no credentials (bearer
/// tokens travel in a header the app sets), and the headers a booking app reads exposed to its script.
/// </summary>
internal static class BrowserOrigins
{
    private const string Policy = "browser-apps";

    /// <summary>What a front-end reads besides the body: versions, new addresses, paging, back-off, replays.</summary>
    private static readonly string[] Exposed = [HeaderNames.ETag, HeaderNames.Location, "X-Next-Cursor", HeaderNames.RetryAfter, "Idempotent-Replayed"];

    public static void AddBrowserOrigins(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section)
            .Validate(o => o.AreValid(), "Cors:AllowedOrigins must be origins such as https://book.clinic.example (scheme, host and port only).")
            .ValidateOnStart();
        var origins = builder.Configuration.GetSection($"{CorsOptions.Section}:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(Policy, policy => policy
            .WithOrigins([.. origins.Select(o => o.TrimEnd('/'))])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders(Exposed)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    public static void UseBrowserOrigins(this WebApplication app) => app.UseCors(Policy);
}
