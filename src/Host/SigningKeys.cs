using System.Text;
using System.Text.Json;
using Appointments.BuildingBlocks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>
/// The keys a token may be signed with: the shared HS256 key (unless <c>Jwt:AllowSharedSecret</c> is false) and an
/// identity provider's published ones. The published set is fetched on first use and kept; a token naming a key
/// id the set does not hold fetches it again (at most every <see cref="MinimumRefresh"/>, so made-up ids cannot
/// flood the provider), and so does a set older than <see cref="MaximumAge"/>, so a key the provider withdrew
/// stops opening the API. Every fetch makes new key objects: a token remembered with an old one is checked again.
/// </summary>
internal sealed class SigningKeys : IDisposable
{
    public const string HttpClientName = "jwks";

    public static readonly TimeSpan MinimumRefresh = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaximumAge = TimeSpan.FromHours(1);

    private readonly JwtOptions _options;
    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly ILogger<SigningKeys> _logger;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private volatile Published? _published;
    private long _lastAttemptTicks;

    public SigningKeys(IOptions<JwtOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<SigningKeys> logger)
    {
        (_options, _clients, _time, _logger) = (options.Value, clients, time, logger);
        if (_options.AllowSharedSecret)
        {
            var bytes = _options.SecretKey is { } secret ? Encoding.UTF8.GetBytes(secret)
                : _options.DevelopmentKeyFile is { } file ? DevelopmentKey.LoadOrCreate(file)
                : null;
            Shared = bytes is null ? null : new SymmetricSecurityKey(bytes);
        }

        Algorithms = [.. Shared is null ? [] : new[] { SecurityAlgorithms.HmacSha256 },
            .. _options.HasPublishedKeys ? new[] { SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256 } : []];
    }

    /// <summary>The HS256 key, or null when HS256 is off.</summary>
    public SecurityKey? Shared { get; }

    public IReadOnlyList<string> Algorithms { get; }

    /// <summary>Whether <paramref name="key"/> (as remembered with a token) is still one of the keys in force.</summary>
    public bool IsCurrent(SecurityKey key) =>
        ReferenceEquals(key, Shared) || (_published?.Keys.Any(k => ReferenceEquals(k, key)) ?? false);

    /// <summary>The keys a token with this header may be checked against, and the issuer discovery named, if any.</summary>
    public async Task<(IList<SecurityKey> Keys, string? Issuer)> ForAsync(string algorithm, string? keyId)
    {
        if (algorithm == SecurityAlgorithms.HmacSha256)
        {
            return (Shared is null ? [] : [Shared], null);
        }

        if (!_options.HasPublishedKeys)
        {
            return ([], null);
        }

        var published = _published;
        var now = _time.GetUtcNow();
        var unknown = published is null || now - published.FetchedAt >= MaximumAge
            || (keyId is not null && !published.Keys.Any(k => k.KeyId == keyId));
        if (unknown && now.UtcTicks - Volatile.Read(ref _lastAttemptTicks) >= MinimumRefresh.Ticks)
        {
            published = await FetchAsync(published) ?? published;
        }

        return published is null
            ? ([], null)
            : ([.. published.Keys.Where(k => keyId is null || k.KeyId == keyId)], published.Issuer);
    }

    private async Task<Published?> FetchAsync(Published? seen)
    {
        await _fetching.WaitAsync();
        try
        {
            // Another request fetched while this one waited.
            if (!ReferenceEquals(_published, seen))
            {
                return _published;
            }

            Volatile.Write(ref _lastAttemptTicks, _time.GetUtcNow().UtcTicks);
            var http = _clients.CreateClient(HttpClientName);
            var (jwksUrl, issuer) = _options.JwksUrl is { } url ? (url, null) : await DiscoverAsync(http, _options.Authority!);
            var keys = new JsonWebKeySet(await http.GetStringAsync(jwksUrl)).GetSigningKeys();
            _published = new Published(keys, issuer, _time.GetUtcNow());
            _logger.LogInformation("Signing keys fetched from {JwksUrl}: {Count} key(s)", LogSafe.Url(jwksUrl), keys.Count);
            return _published;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or ArgumentException or InvalidOperationException)
        {
            // The keys fetched last stay in force; tokens signed with a key nobody could fetch are refused.
            _logger.LogWarning("Signing keys could not be fetched from the identity provider: {Error}", ex.Message);
            return null;
        }
        finally
        {
            _fetching.Release();
        }
    }

    private static async Task<(Uri JwksUrl, string? Issuer)> DiscoverAsync(HttpClient http, Uri authority)
    {
        var discovery = new Uri($"{authority.AbsoluteUri.TrimEnd('/')}/.well-known/openid-configuration");
        using var document = JsonDocument.Parse(await http.GetStringAsync(discovery));
        var root = document.RootElement;
        var jwksUri = root.GetProperty("jwks_uri").GetString() ?? throw new JsonException("The discovery document has no jwks_uri.");
        return (new Uri(jwksUri), root.TryGetProperty("issuer", out var issuer) ? issuer.GetString() : null);
    }

    public void Dispose() => _fetching.Dispose();

    private sealed record Published(IList<SecurityKey> Keys, string? Issuer, DateTimeOffset FetchedAt);
}
