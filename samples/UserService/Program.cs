// Development-only stand-in for the user service the appointments service calls, on the original's wire format:
// user lookups, logins that issue tokens shaped like flask-jwt-extended's access tokens (without a role, as the
// original's are), and each caller's profile (username, email, role, phone) from its own store.
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    Console.Error.WriteLine("The sample user service runs only with ASPNETCORE_ENVIRONMENT=Development; it has no real user store.");
    return 1;
}

// The appointments service's key: JWT_SECRET_KEY when both are given one, else the random key it keeps in Development
// beside its database (src/Host/data/development-signing.key), made here first if this one starts first.
var secret = app.Configuration["JWT_SECRET_KEY"];
byte[] key;
if (!string.IsNullOrEmpty(secret))
{
    key = Encoding.UTF8.GetBytes(secret);
}
else
{
    var file = Path.GetFullPath(app.Configuration["DevelopmentKeyFile"] ?? Path.Combine(app.Environment.ContentRootPath, "../../src/Host/data/development-signing.key"));
    key = DevelopmentKey(file);
    Console.WriteLine($"Signing with the appointments service's development key in {file}");
}

if (key.Length < 32)
{
    Console.Error.WriteLine("JWT_SECRET_KEY must be at least 32 bytes and the same value the appointments service uses.");
    return 1;
}

var signingCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256);
var tokenHandler = new JsonWebTokenHandler();

app.MapGet("/api/auth/user/{username}", (string username) =>
    PasswordOf(username) is null
        ? Results.NotFound(new { message = "User not found" })
        : Results.Ok(new { username }));

app.MapGet("/api/auth/profile", async (HttpRequest request) =>
{
    var header = request.Headers.Authorization.ToString();
    if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
    {
        return Results.Json(new { msg = "Missing Authorization Header" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    var checkedToken = await tokenHandler.ValidateTokenAsync(header["Bearer ".Length..], new TokenValidationParameters
    {
        IssuerSigningKey = signingCredentials.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = false,
        ValidateAudience = false,
    });
    if (!checkedToken.IsValid || !checkedToken.Claims.TryGetValue("sub", out var sub) || sub is not string username)
    {
        return Results.Json(new { msg = "Invalid token" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    return PasswordOf(username) is null
        ? Results.NotFound(new { message = "User not found" })
        : Results.Ok(new
        {
            username,
            email = app.Configuration[$"Emails:{username}"],
            role = app.Configuration[$"Roles:{username}"] is { Length: > 0 } role ? role : "patient",
            phone = app.Configuration[$"Phones:{username}"],
        });
});

app.MapPost("/api/auth/login", (LoginRequest request) =>
{
    if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
    {
        return Results.BadRequest(new { message = "Missing username or password" });
    }

    if (PasswordOf(request.Username) != request.Password)
    {
        return Results.Json(new { message = "Bad username or password" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    return Results.Ok(new { access_token = AccessToken(request.Username) });
});

app.Run();
return 0;

// Exact, case-sensitive match: configuration keys themselves are case-insensitive.
string? PasswordOf(string username) =>
    app.Configuration.GetSection("Users").GetChildren()
        .FirstOrDefault(user => string.Equals(user.Key, username, StringComparison.Ordinal))?.Value;

string AccessToken(string username)
{
    var now = DateTime.UtcNow;
    var claims = new Dictionary<string, object>
    {
        ["sub"] = username,
        ["jti"] = Guid.NewGuid().ToString(),
        ["type"] = "access",
        ["fresh"] = false,
    };
    return tokenHandler.CreateToken(new SecurityTokenDescriptor
    {
        Claims = claims,
        IssuedAt = now,
        NotBefore = now,
        Expires = now.AddMinutes(15), // flask-jwt-extended's default lifetime
        SigningCredentials = signingCredentials,
    });
}

// As the appointments service keeps it: a secret of 32 random bytes in base64, made once; two processes starting together agree on one.
static byte[] DevelopmentKey(string path)
{
    if (!File.Exists(path))
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var draft = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(draft, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        try
        {
            File.Move(draft, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(draft);
        }
    }

    return Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
}

internal sealed record LoginRequest(string? Username, string? Password);

public partial class Program;
