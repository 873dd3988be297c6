using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// Mints access tokens shaped like the user service's (flask-jwt-extended via PyJWT: HS256, claims
// fresh/iat/jti/type/sub/nbf/exp), one per line, signed with JWT_SECRET_KEY.
//   Tokens <username>                    one token
//   Tokens --prefix <p> --count <n>      tokens for <p>0000 .. <p>(n-1)
// Tokens live 2 hours: long enough for a whole bench run.
var key = Environment.GetEnvironmentVariable("JWT_SECRET_KEY");
if (string.IsNullOrEmpty(key) || Encoding.UTF8.GetByteCount(key) < 32)
{
    await Console.Error.WriteLineAsync("JWT_SECRET_KEY must be set (at least 32 bytes).");
    return 2;
}

var names = args switch
{
    ["--prefix", var prefix, "--count", var count] =>
        Enumerable.Range(0, int.Parse(count, CultureInfo.InvariantCulture)).Select(i => prefix + i.ToString("D4", CultureInfo.InvariantCulture)),
    [var username] => [username],
    _ => null,
};
if (names is null)
{
    await Console.Error.WriteLineAsync("Usage: Tokens <username> | Tokens --prefix <p> --count <n>");
    return 2;
}

var keyBytes = Encoding.UTF8.GetBytes(key);
var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT" }));
var output = new StringBuilder();
foreach (var name in names)
{
    var claims = new Dictionary<string, object>
    {
        ["fresh"] = false,
        ["iat"] = now,
        ["jti"] = Guid.NewGuid().ToString(),
        ["type"] = "access",
        ["sub"] = name,
        ["nbf"] = now,
        ["exp"] = now + 7200,
    };
    var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
    var signature = HMACSHA256.HashData(keyBytes, Encoding.ASCII.GetBytes($"{header}.{payload}"));
    output.Append(header).Append('.').Append(payload).Append('.').Append(Base64Url(signature)).Append('\n');
}

await Console.Out.WriteAsync(output.ToString());
return 0;

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
