using Appointments.BuildingBlocks;
using Appointments.Host.Audit;
using Appointments.Host.BookingPage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Appointments.Host;

/// <summary>
/// The host's start-up lines: a key only Development accepts, then "Appointments is running", which operators and
/// the process tests wait for. Registered after the modules, so it is said after their reports.
/// </summary>
internal sealed class HostReport(
    RuntimeAdapters runtime, IServer server, IConfiguration configuration, IOptions<JwtOptions> jwt, IOptions<BookingPageOptions> page, AuditLog audit, ILogger<HostReport> logger)
    : IStartupReport
{
    public void Report()
    {
        if (jwt.Value.AllowSharedSecret && Jwt.Problem(jwt.Value) is { } problem)
        {
            logger.LogWarning("JWT_SECRET_KEY {Problem}; accepted in Development only", problem);
        }

        if (page.Value.Enabled)
        {
            logger.LogInformation("The booking page is served at / (BookingPage:Enabled)");
        }

        logger.LogInformation("Every access to appointment data and every refusal is written to the audit log: {Audit}", audit.Description);
        var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        logger.LogInformation("Appointments is running in {Mode} mode on {Urls}; {Adapters}; {Telemetry}",
            runtime.Mode, string.Join(", ", urls), runtime.Description, Telemetry.Describe(configuration));
    }
}
