using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// daprd with <c>dapr.io/api-token-secret</c> (DAPR.md, "Service invocation"): every call must carry
/// <c>dapr-api-token</c>. HTTP answers 401 <c>invalid api token</c> (only <c>GET /v1.0/healthz</c> and
/// <c>/v1.0/healthz/outbound</c> are exempt) and removes the header before going on, so it never reaches another app;
/// gRPC answers <c>Unauthenticated</c>.
/// </summary>
internal static class ApiToken
{
    public const string Header = "dapr-api-token";

    public static void RequireOnHttp(WebApplication app, string token) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? true)
            {
                if (context.Request.Headers[Header] != token && !IsExempt(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsync("invalid api token");
                    return;
                }

                context.Request.Headers.Remove(Header);
            }

            await next(context);
        });

    private static bool IsExempt(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.Trim('/') is "v1.0/healthz" or "v1.0/healthz/outbound";
}

/// <summary>The gRPC side of <see cref="ApiToken"/>.</summary>
internal sealed class ApiTokenInterceptor(string token) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var sent = context.RequestHeaders.GetValue(ApiToken.Header);
        return sent == token
            ? continuation(request, context)
            : throw new RpcException(new Status(
                StatusCode.Unauthenticated,
                sent is null ? "missing api token in request metadata" : "authentication error: api token mismatch"));
    }
}
