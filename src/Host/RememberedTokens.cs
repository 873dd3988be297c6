using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>
/// Checks each distinct token in full once (signature, algorithm, lifetime) and answers its repeats from memory
/// until it expires, by the same lifetime rule. A client sends one token for its whole life, and the full check
/// is most of what a read costs (bench/README.md). Only tokens that passed are remembered, so the memory holds
/// tokens someone signed with our key; it is bounded all the same.
/// </summary>
internal sealed class RememberedTokens(TimeProvider time, Func<DateTime?, DateTime?, DateTimeOffset, bool> isWithinLifetime) : TokenHandler
{
    private const int Capacity = 10_000;

    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Remembered> _valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (_valid.TryGetValue(token, out var remembered))
        {
            // The key is part of what passed: a token is never answered from memory for a different one.
            if (ReferenceEquals(remembered.Key, validationParameters.IssuerSigningKey)
                && isWithinLifetime(remembered.NotBefore, remembered.Expires, time.GetUtcNow()))
            {
                return remembered.Result;
            }

            _valid.TryRemove(token, out _);
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);

        // The claims identity is built on its first read: build it here, once, before the result is shared.
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is not null)
        {
            Remember(token, new Remembered(result, validationParameters.IssuerSigningKey,
                jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) ? jwt.ValidFrom : null, jwt.ValidTo));
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
