namespace Appointments.Host;

/// <summary>
/// With <c>dapr.io/api-token-secret</c>, daprd answers 401 to any call without <c>dapr-api-token</c> (DAPR.md,
/// "Service invocation"). The SDK's DaprClient adds it by itself; plain HttpClients that call the sidecar (the user
/// check through service invocation) get it here, and only on requests to the sidecar, so it never leaves the pod.
/// </summary>
internal static class SidecarApiToken
{
    public const string Header = "dapr-api-token";

    public static void AddSidecarApiToken(this IHostApplicationBuilder builder, Uri sidecar, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new Handler(sidecar, token)));
        }
    }

    private sealed class Handler(Uri sidecar, string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } target && Uri.Compare(target, sidecar, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                request.Headers.Remove(Header);
                request.Headers.Add(Header, token);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
