using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>A tiny app on a loopback port that records what reaches it and answers with <paramref name="respond"/>.</summary>
internal sealed class RecordingApp(WebApplication host, ConcurrentQueue<RecordedRequest> requests) : IAsyncDisposable
{
    public Uri Url { get; private set; } = null!;

    public IReadOnlyCollection<RecordedRequest> Requests => requests;

    public static async Task<RecordingApp> StartAsync(Func<HttpContext, Task> respond)
    {
        var requests = new ConcurrentQueue<RecordedRequest>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var host = builder.Build();
        host.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            await respond(context);
        });

        var app = new RecordingApp(host, requests);
        await host.StartAsync();
        app.Url = new Uri(host.Urls.Single());
        return app;
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);
