using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>
/// Checks each distinct token in full once (signature, algorithm, issuer, audience, lifetime) and answers its
/// repeats from memory until it expires, by the same lifetime rule. A client sends one token for its whole life,
/// and the full check is most of what a read costs (bench/README.md). Only tokens that passed are remembered, each
/// with the key that verified it: once that key is no longer in force (an identity provider rotated it out) the
/// token is checked in full again, so a rotation never lets an old token in. The memory is bounded.
/// </summary>
internal sealed class RememberedTokens(SigningKeys keys, TimeProvider time, Func<DateTime?, DateTime?, DateTimeOffset, bool> isWithinLifetime) : TokenHandler
{
    private const int Capacity = 10_000;

    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Remembered> _valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (_valid.TryGetValue(token, out var remembered))
        {
            if (keys.IsCurrent(remembered.Key) && isWithinLifetime(remembered.NotBefore, remembered.Expires, time.GetUtcNow()))
            {
                return remembered.Result;
            }

            _valid.TryRemove(token, out _);
        }

        if (!_inner.CanReadToken(token))
        {
            return await _inner.ValidateTokenAsync(token, validationParameters);
        }

        // The header says which keys to try: the shared one for HS256, the identity provider's for its key id.
        var jwt = _inner.ReadJsonWebToken(token);
        var (signingKeys, discoveredIssuer) = await keys.ForAsync(jwt.Alg, jwt.TryGetHeaderValue<string>(JwtHeaderParameterNames.Kid, out var kid) ? kid : null);
        var parameters = validationParameters.Clone();
        parameters.IssuerSigningKeys = signingKeys;
        if (discoveredIssuer is not null && parameters.ValidIssuer is null)
        {
            parameters.ValidateIssuer = true;
            parameters.ValidIssuer = discoveredIssuer;
        }

        var result = await _inner.ValidateTokenAsync(token, parameters);

        // The claims identity is built on its first read: build it here, once, before the result is shared.
        if (result.IsValid && result.SecurityToken is JsonWebToken valid && valid.SigningKey is { } key && result.ClaimsIdentity is not null)
        {
            Remember(token, new Remembered(result, key,
                valid.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) ? valid.ValidFrom : null, valid.ValidTo));
        }

        return result;
    }

    private void Remember(string token, Remembered remembered)
    {
        if (_valid.Count >= Capacity)
        {
            var now = time.GetUtcNow();
            foreach (var (key, value) in _valid)
            {
                if (!isWithinLifetime(value.NotBefore, value.Expires, now))
                {
                    _valid.TryRemove(key, out _);
                }
            }

            if (_valid.Count >= Capacity)
            {
                _valid.Clear();
            }
        }

        _valid[token] = remembered;
    }

    private sealed record Remembered(TokenValidationResult Result, SecurityKey Key, DateTime? NotBefore, DateTime Expires);
}
