using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// The sidecar's HTTP API: service invocation (both the <c>/v1.0/invoke/{app-id}/method/{path}</c> form and the
/// <c>dapr-app-id</c> header form), health and metadata. See DAPR.md, "Service invocation": the method path is
/// decoded and cleaned (<c>path.Clean</c>) before it is put back into a URL for the target, so an escaped <c>/</c>,
/// <c>?</c>, <c>#</c> or <c>%</c> does not arrive as sent. The target receives the caller's identity as daprd stamps it
/// (<see cref="CallerHeaders"/>).
/// </summary>
internal sealed class InvocationEndpoints(string appId, HttpClient client, IReadOnlyDictionary<string, AppResiliency> resiliency)
{
    private const string AppIdHeader = "dapr-app-id";

    // Connection-level headers belong to each hop; the rest travels unchanged but for the caller's identity, which
    // daprd strips and stamps itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", AppIdHeader,
        CallerHeaders.CallerAppId, CallerHeaders.CallerNamespace, CallerHeaders.CalleeAppId,
    };

    private readonly ConcurrentDictionary<string, Uri> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);

    public void MapApp(string id, Uri baseUrl) => _apps[id] = baseUrl;

    public void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.TryGetValue(AppIdHeader, out var target) && !context.Request.Path.StartsWithSegments("/v1.0"))
            {
                await InvokeAsync(context, target.ToString(), path => path);
                return;
            }

            await next(context);
        });

        app.Map("/v1.0/invoke/{targetId}/method/{**path}", (HttpContext context, string targetId) =>
            InvokeAsync(context, targetId, path => path[(path.IndexOf("/method/", StringComparison.Ordinal) + "/method/".Length)..]));
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        app.MapGet("/v1.0/metadata", () => Results.Json(new { id = appId, runtimeVersion = "test-double" }));
    }

    /// <summary>
    /// daprd reads the method from the decoded request path (Go's <c>r.URL.Path</c>), cleans it, and builds
    /// <c>{app}/{method}?{query}</c> as text, which Go's URL parser then splits again at the first <c>?</c> and <c>#</c>.
    /// </summary>
    private async Task InvokeAsync(HttpContext context, string targetId, Func<string, string> methodOf)
    {
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryAt = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var decodedPath = GoUrl.Unescape(queryAt < 0 ? rawTarget : rawTarget[..queryAt]);
        if (decodedPath is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("400 Bad Request");
            return;
        }

        var method = GoUrl.Clean(methodOf(decodedPath));
        var target = "/" + (method == "." ? "" : method.TrimStart('/')) + (queryAt < 0 ? "" : rawTarget[queryAt..]);
        target = target.Split('#')[0];
        var pathEnd = target.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? at : target.Length;
        var wirePath = GoUrl.WirePath(target[..pathEnd]);
        if (!_apps.TryGetValue(targetId, out var baseUrl) || wirePath is null)
        {
            await DirectInvokeErrorAsync(context, targetId, wirePath is null ? $"parse \"{target}\": invalid URL escape" : $"couldn't find service: {targetId}");
            return;
        }

        var url = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + wirePath + target[pathEnd..], new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        await ForwardAsync(context, targetId, url);
    }

    /// <summary>Sends the request under the target's resiliency policy and answers with what daprd would answer.</summary>
    private async Task ForwardAsync(HttpContext context, string targetId, Uri url)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var policy = resiliency.GetValueOrDefault(targetId) ?? new AppResiliency();
        var breaker = policy.CircuitBreaker is { } breakerPolicy
            ? _breakers.GetOrAdd(targetId, _ => new CircuitBreaker(breakerPolicy, TimeProvider.System))
            : null;
        var attempts = 1 + (policy.Retry?.MaxRetries ?? 0);
        for (var attempt = 1; ; attempt++)
        {
            if (breaker is not null && !breaker.TryEnter())
            {
                await DirectInvokeErrorAsync(context, targetId, "circuit breaker is open");
                return;
            }

            var (response, error) = await SendOnceAsync(context, targetId, url, body.ToArray(), policy.Timeout);
            var status = (int?)response?.StatusCode;
            breaker?.Record(status is >= 200 and <= 399);
            var retry = attempt < attempts && (error is not null || (status is < 200 or > 399 && policy.Retry!.Retries(status.Value)));
            if (!retry)
            {
                await AnswerAsync(context, targetId, response, error);
                return;
            }

            response?.Dispose();
            await Task.Delay(policy.Retry!.Delay, context.RequestAborted);
        }
    }

    private async Task<(HttpResponseMessage? Response, string? Error)> SendOnceAsync(HttpContext context, string targetId, Uri url, byte[] body, TimeSpan? timeout)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), url);
        if (body.Length > 0 || context.Request.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!NotForwarded.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        CallerHeaders.Stamp(request, appId, targetId);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (timeout is { } limit)
        {
            attempt.CancelAfter(limit);
        }

        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token);
            return (response, null);
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (null, "context deadline exceeded");
        }
    }

    private static async Task AnswerAsync(HttpContext context, string targetId, HttpResponseMessage? response, string? error)
    {
        if (response is null)
        {
            await DirectInvokeErrorAsync(context, targetId, error!);
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
