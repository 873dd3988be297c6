using Appointments.BuildingBlocks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Users;

/// <summary>Says once at start-up how users are checked and where roles come from, so an operator sees a switched-off check.</summary>
internal sealed class UserCheckReport(IOptions<UserServiceOptions> options, IOptions<ProfileOptions> profiles, IServiceProvider services, ILogger<UserCheckReport> logger)
    : IStartupReport
{
    public void Report()
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

        if (BookingModule.AsksForProfiles(services))
        {
            logger.LogInformation("Roles, emails and phones come from the user service's profiles, each remembered for {Seconds} s", profiles.Value.ProfileCacheSeconds);
        }
        else
        {
            logger.LogWarning("Roles come from the tokens' role claim ({Reason}): whoever signs tokens decides who is a doctor or an admin",
                profiles.Value.RoleSource == RoleSource.Token ? "Auth:RoleSource is token" : "there is no user service to ask");
        }
    }
}
