namespace Appointments.Host;

internal enum RuntimeMode
{
    Auto,
    Embedded,
    Dapr,
}

internal static class RuntimeModes
{
    /// <summary><c>Runtime:Mode</c>; <c>Auto</c> picks Dapr when a sidecar's address is in the environment.</summary>
    public static RuntimeMode Resolve(IConfiguration configuration)
    {
        var mode = configuration.GetValue("Runtime:Mode", RuntimeMode.Auto);
        if (mode != RuntimeMode.Auto)
        {
            return mode;
        }

        string[] sidecar = ["DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DAPR_GRPC_ENDPOINT"];
        return sidecar.Any(name => !string.IsNullOrEmpty(configuration[name])) ? RuntimeMode.Dapr : RuntimeMode.Embedded;
    }
}
