using Appointments.Tests.DaprSidecar;

namespace Appointments.Host.Tests;

/// <summary>
/// The same host in Dapr mode, talking to the sidecar test double over real gRPC and HTTP: state through the
/// MongoDB-like store, the user check through service invocation to the user-service stub.
/// </summary>
public class DaprApp : AppFixture
{
    /// <summary>Outside Development, Dapr mode does not start without one.</summary>
    public const string AppToken = "dapr-app-app-token";

    public DaprSidecarDouble Sidecar { get; private set; } = null!;

    protected virtual DaprSidecarOptions SidecarOptions => new() { AppToken = AppToken };

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Sidecar = await DaprSidecarDouble.StartAsync(SidecarOptions);
        Sidecar.MapApp("user-service", Users.Url);
        settings["Runtime:Mode"] = "Dapr";
        settings["APP_API_TOKEN"] = AppToken;
        settings["DAPR_GRPC_ENDPOINT"] = Sidecar.GrpcEndpoint;
        settings["DAPR_HTTP_ENDPOINT"] = Sidecar.HttpEndpoint;
        settings.Remove("USER_SERVICE_URL");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}

public sealed class DaprAppointmentsApiTests(DaprApp app) : AppointmentsApiTests<DaprApp>(app);

public sealed class DaprErrorsApiTests(DaprApp app) : ErrorsApiTests<DaprApp>(app);

public sealed class DaprAuthApiTests(DaprApp app) : AuthApiTests<DaprApp>(app);

public sealed class DaprConcurrencyApiTests(DaprApp app) : ConcurrencyApiTests<DaprApp>(app);
