namespace Appointments.Host;

internal enum RuntimeMode
{
    Auto,
    Embedded,
    Dapr,
}

internal static class RuntimeModes
{
    /// <summary>
    /// <c>Runtime:Mode</c>; <c>Auto</c> picks Dapr when a sidecar's address is in the environment. False, with the
    /// reason, for a value that names no mode.
    /// </summary>
    public static bool TryResolve(IConfiguration configuration, out RuntimeMode mode, out string problem)
    {
        var text = configuration["Runtime:Mode"];

        // By name only: Enum.TryParse would also take "7" or "Embedded,Dapr".
        RuntimeMode? named = string.IsNullOrEmpty(text)
            ? RuntimeMode.Auto
            : Enum.GetValues<RuntimeMode>().Cast<RuntimeMode?>().FirstOrDefault(m => string.Equals(m.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (named is not { } chosen)
        {
            (mode, problem) = (RuntimeMode.Auto, $"Runtime:Mode is '{text}'; it must be Auto, Embedded or Dapr.");
            return false;
        }

        string[] sidecar = ["DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DAPR_GRPC_ENDPOINT"];
        mode = chosen != RuntimeMode.Auto ? chosen
            : sidecar.Any(name => !string.IsNullOrEmpty(configuration[name])) ? RuntimeMode.Dapr : RuntimeMode.Embedded;
        problem = "";
        return true;
    }
}
