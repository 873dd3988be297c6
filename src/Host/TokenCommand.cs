using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>
/// <c>dotnet run --project src/Host -- token alice [--role doctor|admin] [--minutes 60]</c> prints an access token
/// shaped like the user service's (flask-jwt-extended), signed with this host's key. Development only.
/// </summary>
internal static class TokenCommand
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "token";

    public static int Run(WebApplicationBuilder builder, string[] args)
    {
        if (!builder.Environment.IsDevelopment())
        {
            Console.Error.WriteLine("The token command works only in Development (ASPNETCORE_ENVIRONMENT=Development).");
            return 2;
        }

        var minutes = 60;
        if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal)
            || (Option(args, "--minutes") is { } given && !(int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) && minutes > 0)))
        {
            Console.Error.WriteLine("Usage: token <username> [--role patient|doctor|admin] [--minutes 60]");
            return 2;
        }

        var role = Option(args, "--role");
        var key = builder.Configuration["JWT_SECRET_KEY"] is { Length: > 0 } secret
            ? System.Text.Encoding.UTF8.GetBytes(secret)
            : DevelopmentKey.LoadOrCreate(DevelopmentKey.PathFor(builder.Configuration));
        Console.WriteLine(Create(key, args[1], role, TimeSpan.FromMinutes(minutes), DateTimeOffset.UtcNow));
        return 0;
    }

    public static string Create(byte[] key, string username, string? role, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>
        {
            ["fresh"] = false,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["type"] = "access",
            ["sub"] = username,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
        };
        if (role is not null)
        {
            claims["role"] = role;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
