namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// A real daprd to check the double's claims against, named by the environment variable
/// <c>APPOINTMENTS_REAL_DAPRD</c>: <c>grpc=http://127.0.0.1:50001;http=http://127.0.0.1:3500</c>, optionally
/// <c>;token=…</c> (its API token) and <c>;store=postgresql</c> (default MongoDB). Tests that need it are skipped, and
/// say so, when it is not set. docs/dapr-and-kubernetes.md, "Checking the double against a real daprd", says how to start one.
/// </summary>
public sealed record RealDaprd(string GrpcEndpoint, string HttpEndpoint, string? ApiToken, StateStoreKind StateStore)
{
    public const string Variable = "APPOINTMENTS_REAL_DAPRD";

    public static RealDaprd? FromEnvironment { get; } = Parse(Environment.GetEnvironmentVariable(Variable));

    public static string? SkipReason => FromEnvironment is null
        ? $"No real daprd: set {Variable}=\"grpc=http://127.0.0.1:50001;http=http://127.0.0.1:3500\" (docs/dapr-and-kubernetes.md, \"Checking the double against a real daprd\")."
        : null;

    private static RealDaprd? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.OrdinalIgnoreCase);
        return new RealDaprd(
            parts.GetValueOrDefault("grpc") ?? throw new FormatException($"{Variable} names no grpc= endpoint: {value}"),
            parts.GetValueOrDefault("http") ?? throw new FormatException($"{Variable} names no http= endpoint: {value}"),
            parts.GetValueOrDefault("token"),
            string.Equals(parts.GetValueOrDefault("store"), "postgresql", StringComparison.OrdinalIgnoreCase) ? StateStoreKind.PostgreSql : StateStoreKind.MongoDB);
    }
}
