using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Appointments.BuildingBlocks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Users;

/// <summary>What the user service keeps about a user: the role, and contacts only when they are valid ones.</summary>
internal sealed record UserProfile(string Role, string? Email, string? Phone);

/// <summary>
/// Asks the user service <c>GET api/auth/profile</c> with the caller's own bearer token, as the original's clients
/// do: 200 <c>{username, email, role, phone}</c> is the profile, 404 (no such user) and 401/422 (a token it does not
/// take) mean there is none, anything else is an outage. Each token's answer is remembered for
/// <see cref="ProfileOptions.ProfileCacheSeconds"/> (never past a minute by default, so a demotion takes effect
/// soon), and callers that arrive together with a new token share one call.
/// </summary>
internal sealed class UserProfiles(IHttpClientFactory clients, IOptions<ProfileOptions> options, TimeProvider time, ILogger<UserProfiles> logger)
{
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Remembered> _remembered = new(StringComparer.Ordinal);

    /// <summary>The profile of the token's user, or null when the user service has none; throws when it does not answer.</summary>
    public async Task<UserProfile?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_remembered.TryGetValue(token, out var remembered) && now < remembered.Until)
        {
            return (await remembered.Lookup.WaitAsync(cancellationToken)).Profile;
        }

        if (_remembered.Count >= Capacity)
        {
            Prune(now);
        }

        // One call per token however many requests bring it at once; the call is not any one request's to cancel.
        var fresh = new Remembered(new Lazy<Task<Answer>>(() => AskAsync(token)), now.AddSeconds(options.Value.ProfileCacheSeconds));
        var entry = _remembered.AddOrUpdate(token, fresh, (_, existing) => now < existing.Until ? existing : fresh);
        try
        {
            return (await entry.Lookup.WaitAsync(cancellationToken)).Profile;
        }
        catch (UserServiceUnavailableException)
        {
            // An outage is not an answer: the next request asks again.
            _remembered.TryRemove(new KeyValuePair<string, Remembered>(token, entry));
            throw;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, value) in _remembered)
        {
            if (now >= value.Until)
            {
                _remembered.TryRemove(key, out _);
            }
        }

        if (_remembered.Count >= Capacity)
        {
            _remembered.Clear();
        }
    }

    private async Task<Answer> AskAsync(string token)
    {
        var http = clients.CreateClient(HttpUserDirectory.ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        }
        catch (Exception ex)
        {
            logger.LogWarning("User service at {BaseAddress} did not answer a profile lookup: {Error}", LogSafe.Url(http.BaseAddress!), ex.Message);
            throw new UserServiceUnavailableException("The user service did not answer.", ex);
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new Answer(await ReadAsync(response, http.BaseAddress!));
                case HttpStatusCode.NotFound:
                    return new Answer(null);
                case HttpStatusCode.Unauthorized or HttpStatusCode.UnprocessableEntity:
                    // We took the token and the user service did not: their keys or clocks differ. The caller is not
                    // known to it either way, and an operator has something to fix.
                    logger.LogWarning("User service at {BaseAddress} refused a token this service accepted ({Status}): are JWT_SECRET_KEY and the clocks the same?",
                        LogSafe.Url(http.BaseAddress!), (int)response.StatusCode);
                    return new Answer(null);
                default:
                    logger.LogWarning("User service at {BaseAddress} answered {Status} for a profile lookup", LogSafe.Url(http.BaseAddress!), (int)response.StatusCode);
                    throw new UserServiceUnavailableException($"The user service answered {(int)response.StatusCode}.");
            }
        }
    }

    /// <summary>A profile as the original's user service writes it; a body that is not one is an outage, not a user.</summary>
    private async Task<UserProfile> ReadAsync(HttpResponseMessage response, Uri baseAddress)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            var root = body.RootElement;
            var role = Text(root, "role");
            var email = Text(root, "email");
            var phone = Text(root, "phone");
            return new UserProfile(
                role is Caller.Doctor or Caller.Admin ? role : Caller.Patient,
                email is not null && Contacts.IsEmail(email) ? email : null,
                phone is not null && Contacts.IsPhone(phone) ? phone : null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            logger.LogWarning("User service at {BaseAddress} answered a profile that is not a JSON object: {Error}", LogSafe.Url(baseAddress), ex.Message);
            throw new UserServiceUnavailableException("The user service answered a profile that is not one.", ex);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Answer(UserProfile? Profile);

    private sealed record Remembered(Lazy<Task<Answer>> Lazy, DateTimeOffset Until)
    {
        public Task<Answer> Lookup => Lazy.Value;
    }
}
