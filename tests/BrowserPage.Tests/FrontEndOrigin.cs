using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// Another origin a front-end team serves its own booking app from: one empty page over real HTTP on loopback,
/// whose script (run by the test) calls the appointments API across origins.
/// </summary>
public sealed class FrontEndOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FrontEndOrigin(WebApplication app) => _app = app;

    /// <summary>The origin (scheme, host, port), as <c>Cors:AllowedOrigins</c> names it.</summary>
    public string Origin => new Uri(_app.Urls.First()).GetLeftPart(UriPartial.Authority);

    public static async Task<FrontEndOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content("<!doctype html><title>A front-end app</title><p>Another origin.</p>", "text/html"));
        await app.StartAsync();
        return new FrontEndOrigin(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
