using Dapr.Client;

namespace Appointments.Tests.DaprSidecar;

public static class DaprSidecarClient
{
    /// <summary>The real SDK pointed at the double, as the host points it at daprd.</summary>
    public static DaprClient CreateDaprClient(this DaprSidecarDouble sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        return new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
    }
}
