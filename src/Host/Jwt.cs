using System.Buffers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>The HS256 key shared with the user service (<c>JWT_SECRET_KEY</c>).</summary>
internal sealed class JwtOptions
{
    /// <summary>The original service's placeholder, refused outside Development.</summary>
    public const string PlaceholderKey = "your_jwt_secret_key";

    /// <summary>Used in Development when no key is configured; never outside it.</summary>
    public const string DevelopmentKey = "appointments-development-only-signing-key";

    public const int MinimumKeyBytes = 32;

    public string? SecretKey { get; set; }

    public byte[] KeyBytes => Encoding.UTF8.GetBytes(SecretKey ?? DevelopmentKey);
}

internal static class Jwt
{
    public static void AddJwtAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtOptions>()
            .Configure<IConfiguration>((o, configuration) => o.SecretKey = NullIfEmpty(configuration["JWT_SECRET_KEY"]))
            .Validate<IHostEnvironment>((o, environment) => environment.IsDevelopment() || Problem(o) is null,
                "JWT_SECRET_KEY must be set to a secret of at least 32 bytes (not the placeholder 'your_jwt_secret_key') outside Development.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, TimeProvider>((bearer, jwt, time) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TimeProvider = time;
                bearer.SaveToken = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new RememberedTokens(time, IsWithinLifetime));
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKey = new SymmetricSecurityKey(jwt.Value.KeyBytes),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = false,
                    ValidateAudience = false,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = ClockSkew,
                    LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires, time.GetUtcNow()),
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                };
                bearer.Events = new JwtBearerEvents { OnTokenValidated = RefuseWithoutSubjectOrNotAccess };
            });
        builder.Services.AddAuthorization();
    }

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    // Against the service's own clock (TimeProvider), like every other "now" in it. The skew moves "now", never
    // the token's times, which may sit at the ends of the calendar.
    private static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTimeOffset now) =>
        expires is { } exp && now.UtcDateTime - ClockSkew < exp.ToUniversalTime()
        && (notBefore is not { } nbf || now.UtcDateTime + ClockSkew >= nbf.ToUniversalTime());

    /// <summary>What is wrong with the key, which Development lets pass; null when nothing is.</summary>
    public static string? Problem(JwtOptions jwt) => jwt.SecretKey switch
    {
        null => $"is not set, so the development key '{JwtOptions.DevelopmentKey}' signs and checks tokens",
        JwtOptions.PlaceholderKey => "is the placeholder 'your_jwt_secret_key'",
        _ when jwt.KeyBytes.Length < JwtOptions.MinimumKeyBytes => $"is shorter than {JwtOptions.MinimumKeyBytes} bytes",
        _ => null,
    };

    // flask-jwt-extended marks tokens with "type": a refresh token must not open the API.
    private static Task RefuseWithoutSubjectOrNotAccess(TokenValidatedContext context)
    {
        var principal = context.Principal;
        if (principal?.FindFirstValue("sub") is not { } sub || string.IsNullOrWhiteSpace(sub))
        {
            context.Fail("The token has no sub claim.");
        }
        else if (!IsUsername(sub))
        {
            context.Fail("The token's sub holds control characters or text that is not Unicode.");
        }
        else if (principal.FindFirstValue("type") is { } type && type != "access")
        {
            context.Fail($"A {type} token is not an access token.");
        }

        return Task.CompletedTask;
    }

    // A username is looked up over HTTP and written into keys: a NUL or a lone surrogate would break either.
    private static bool IsUsername(string sub)
    {
        for (int i = 0, length = 0; i < sub.Length; i += length)
        {
            if (Rune.DecodeFromUtf16(sub.AsSpan(i), out var rune, out length) != OperationStatus.Done || Rune.IsControl(rune))
            {
                return false;
            }
        }

        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
