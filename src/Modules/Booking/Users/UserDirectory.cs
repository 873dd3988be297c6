using System.Net;
using Appointments.BuildingBlocks;
using Microsoft.Extensions.Logging;

namespace Appointments.Booking.Users;

/// <summary>The user-directory port: does this username exist?</summary>
internal interface IUserDirectory
{
    /// <summary>True or false; throws <see cref="UserServiceUnavailableException"/> when nobody can say.</summary>
    Task<bool> ExistsAsync(string username, CancellationToken cancellationToken);
}

internal sealed class UserServiceUnavailableException(string message, Exception? innerException = null)
    : DependencyUnavailableException(message, innerException);

/// <summary>
/// Asks the user service <c>GET api/auth/user/{username}</c>: 200 is yes, 404 is no, anything else is an outage.
/// The same adapter serves both modes: its base address is the user service itself, or the Dapr sidecar's
/// invocation path for it.
/// </summary>
internal sealed class HttpUserDirectory(IHttpClientFactory clients, ILogger<HttpUserDirectory> logger) : IUserDirectory
{
    public const string ClientName = "user-service";

    public async Task<bool> ExistsAsync(string username, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"api/auth/user/{Uri.EscapeDataString(username)}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A refused connection, a timeout of ours or the resilience pipeline's, an open circuit: nobody can say.
            logger.LogWarning("User service at {BaseAddress} did not answer: {Error}", LogSafe.Url(http.BaseAddress!), ex.Message);
            throw new UserServiceUnavailableException("The user service did not answer.", ex);
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return true;
                case HttpStatusCode.NotFound:
                    return false;
                default:
                    logger.LogWarning("User service at {BaseAddress} answered {Status} for a user lookup", LogSafe.Url(http.BaseAddress!), (int)response.StatusCode);
                    throw new UserServiceUnavailableException($"The user service answered {(int)response.StatusCode}.");
            }
        }
    }
}

internal static class Usernames
{
    /// <summary>
    /// Why a username cannot be looked up, or null. The check asks <c>api/auth/user/{username}</c>, and a sidecar
    /// decodes and cleans that path before passing it on: <c>/ ? # %</c> would not arrive as sent.
    /// </summary>
    public static BookingError? Refuse(string username) =>
        username.Length > 128 || username.Any(c => c is '/' or '?' or '#' or '%' || char.IsControl(c))
            ? BookingError.Invalid("username", "must be at most 128 characters without /, ?, #, % or control characters")
            : null;
}

/// <summary>Used when the check is switched off (Development without <c>USER_SERVICE_URL</c>, or explicitly).</summary>
internal sealed class UncheckedUserDirectory : IUserDirectory
{
    public Task<bool> ExistsAsync(string username, CancellationToken cancellationToken) => Task.FromResult(true);
}
