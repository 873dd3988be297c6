namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// What daprd tells an app about who invoked it (dapr/dapr <c>pkg/messaging/direct_messaging.go</c>): every service
/// invocation, local or remote, arrives with <c>dapr-caller-app-id</c>, <c>dapr-caller-namespace</c> and
/// <c>dapr-callee-app-id</c>, the caller's own values stripped first. Input bindings (the cron trigger) arrive without
/// them. Both carry the app token when <c>dapr.io/app-token-secret</c> is set.
/// </summary>
public static class CallerHeaders
{
    public const string CallerAppId = "dapr-caller-app-id";
    public const string CallerNamespace = "dapr-caller-namespace";
    public const string CalleeAppId = "dapr-callee-app-id";

    /// <summary>The namespace <c>dapr run</c> and a cluster's default namespace give an app.</summary>
    public const string Namespace = "default";

    internal static void Stamp(HttpRequestMessage request, string callerAppId, string calleeAppId)
    {
        foreach (var header in new[] { CallerAppId, CallerNamespace, CalleeAppId })
        {
            request.Headers.Remove(header);
        }

        request.Headers.Add(CallerAppId, callerAppId);
        request.Headers.Add(CallerNamespace, Namespace);
        request.Headers.Add(CalleeAppId, calleeAppId);
    }
}
