using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// The sidecar's HTTP API: service invocation (both the <c>/v1.0/invoke/{app-id}/method/{path}</c> form and the
/// <c>dapr-app-id</c> header form), health and metadata. See DAPR.md, "Service invocation".
/// </summary>
internal sealed class InvocationEndpoints(string appId, HttpClient client)
{
    private const string AppIdHeader = "dapr-app-id";

    // Connection-level headers belong to each hop; the rest travels unchanged.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", AppIdHeader,
    };

    private readonly ConcurrentDictionary<string, Uri> _apps = new(StringComparer.Ordinal);

    public void MapApp(string id, Uri baseUrl) => _apps[id] = baseUrl;

    public void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.TryGetValue(AppIdHeader, out var target) && !context.Request.Path.StartsWithSegments("/v1.0"))
            {
                await ForwardAsync(context, target.ToString(), context.Request.Path.Value ?? "/");
                return;
            }

            await next(context);
        });

        app.Map("/v1.0/invoke/{targetId}/method/{**path}", (HttpContext context, string targetId, string? path) =>
            ForwardAsync(context, targetId, "/" + path));
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        app.MapGet("/v1.0/metadata", () => Results.Json(new { id = appId, runtimeVersion = "test-double" }));
    }

    private async Task ForwardAsync(HttpContext context, string targetId, string path)
    {
        if (!_apps.TryGetValue(targetId, out var baseUrl))
        {
            await DirectInvokeErrorAsync(context, targetId, $"couldn't find service: {targetId}");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(baseUrl, path.TrimStart('/') + context.Request.QueryString));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > 0 || context.Request.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!NotForwarded.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await DirectInvokeErrorAsync(context, targetId, ex.Message);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!NotForwarded.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    private static Task DirectInvokeErrorAsync(HttpContext context, string targetId, string error)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return context.Response.WriteAsJsonAsync(new
        {
            errorCode = "ERR_DIRECT_INVOKE",
            message = $"failed to invoke, id: {targetId}, err: {error}",
        });
    }
}
