using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>A fresh sidecar double per test, with the real SDK pointed at it.</summary>
public abstract class SidecarTest : IAsyncLifetime
{
    protected const string Store = "statestore";

    protected DaprSidecarDouble Sidecar { get; private set; } = null!;

    protected DaprClient Dapr { get; private set; } = null!;

    protected virtual DaprSidecarOptions Options => new();

    public async Task InitializeAsync()
    {
        Sidecar = await DaprSidecarDouble.StartAsync(Options);
        Dapr = Sidecar.CreateDaprClient();
    }

    public async Task DisposeAsync()
    {
        Dapr.Dispose();
        await Sidecar.DisposeAsync();
    }

    protected static StatusCode StatusOf(DaprException exception) =>
        exception.InnerException.Should().BeOfType<RpcException>().Subject.StatusCode;
}
