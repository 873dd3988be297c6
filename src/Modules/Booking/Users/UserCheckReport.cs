using Appointments.BuildingBlocks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Users;

/// <summary>Says once at start-up how users are checked, so an operator sees a switched-off check.</summary>
internal sealed class UserCheckReport(IOptions<UserServiceOptions> options, ILogger<UserCheckReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o is { Enabled: true, Url: not null })
        {
            logger.LogInformation("Users are checked at {UserService} before booking", LogSafe.Url(o.Url));
        }
        else
        {
            logger.LogWarning("Users are NOT checked before booking: {Reason}", o.Enabled ? "USER_SERVICE_URL is not set (allowed in Development only)" : "UserService:Enabled is false");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
