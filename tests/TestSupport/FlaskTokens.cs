using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Appointments.TestSupport;

/// <summary>
/// Mints tokens byte for byte the way the user service does (PyJWT under flask-jwt-extended), by hand, so
/// the tests do not share a JWT library with the code they check.
/// </summary>
public static class FlaskTokens
{
    public const string Key = "test-signing-key-that-is-long-enough-for-hs256";

    /// <param name="now">When the token is issued; the real time by default, a test host's clock when it has one.</param>
    public static string Access(string username, string? role = null, string key = Key, TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        var claims = Claims(username, (long)(lifetime ?? TimeSpan.FromMinutes(15)).TotalSeconds, now);
        if (role is not null)
        {
            claims["role"] = role;
        }

        return Sign(claims, key);
    }

    public static string Sign(IDictionary<string, object> claims, string key = Key, string algorithm = "HS256")
    {
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = algorithm, ["typ"] = "JWT" }));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        if (algorithm == "none")
        {
            return $"{header}.{payload}.";
        }

        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    public static Dictionary<string, object> Claims(string username, long expiresIn = 900, DateTimeOffset? issuedAt = null)
    {
        var now = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["fresh"] = false,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString(),
            ["type"] = "access",
            ["sub"] = username,
            ["nbf"] = now,
            ["exp"] = now + expiresIn,
        };
    }
}
