using System.Buffers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Host;

/// <summary>
/// Which tokens open the API (API.md, "Authentication"): HS256 with the key shared with the user service
/// (<c>JWT_SECRET_KEY</c>), and with <c>Jwt:JwksUrl</c> or <c>Jwt:Authority</c> RS256/ES256 signed by an identity
/// provider's published keys; the <c>Jwt:</c> section bounds how long a token may live and whom it must be for.
/// </summary>
internal sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>The original service's placeholder, refused outside Development.</summary>
    public const string PlaceholderKey = "your_jwt_secret_key";

    public const int MinimumKeyBytes = 32;

    public string? SecretKey { get; set; }

    /// <summary>Where Development keeps its random key when no secret is set; null otherwise.</summary>
    public string? DevelopmentKeyFile { get; set; }

    /// <summary>The longest <c>exp − iat</c> a token may have.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When set, every token's <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>When set, required among every token's <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>An identity provider's JSON Web Key Set: its keys sign RS256/ES256 tokens.</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>An OpenID Connect provider: its discovery document names the key set and the issuer.</summary>
    public Uri? Authority { get; set; }

    /// <summary>False turns HS256 off, so that only the identity provider, not whoever holds the shared key, can sign.</summary>
    public bool AllowSharedSecret { get; set; } = true;

    public bool HasPublishedKeys => JwksUrl is not null || Authority is not null;
}

internal static class Jwt
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static void AddJwtAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .Configure<IConfiguration, IHostEnvironment>((o, configuration, environment) =>
            {
                o.SecretKey = NullIfEmpty(configuration["JWT_SECRET_KEY"]);
                o.DevelopmentKeyFile = o.SecretKey is null && environment.IsDevelopment() ? DevelopmentKey.PathFor(configuration) : null;
            })
            .Validate<IHostEnvironment>((o, environment) => environment.IsDevelopment() || !o.AllowSharedSecret || Problem(o) is null,
                "JWT_SECRET_KEY must be set to a secret of at least 32 bytes (not the placeholder 'your_jwt_secret_key') outside Development, unless Jwt:AllowSharedSecret is false.")
            .Validate(o => o.AllowSharedSecret || o.HasPublishedKeys,
                "Jwt:AllowSharedSecret is false but neither Jwt:JwksUrl nor Jwt:Authority is set: no token could be signed.")
            .Validate(o => IsHttp(o.JwksUrl) && IsHttp(o.Authority), "Jwt:JwksUrl and Jwt:Authority must be absolute http(s) URLs.")
            .Validate(o => o.MaxLifetime > TimeSpan.Zero, "Jwt:MaxLifetime must be positive.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(SigningKeys.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<SigningKeys>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, SigningKeys, TimeProvider>((bearer, options, keys, time) =>
            {
                var jwt = options.Value;
                bearer.MapInboundClaims = false;
                bearer.TimeProvider = time;
                bearer.SaveToken = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new RememberedTokens(keys, time, IsWithinLifetime));
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAlgorithms = keys.Algorithms,
                    ValidateIssuer = jwt.Issuer is not null,
                    ValidIssuer = jwt.Issuer,
                    ValidateAudience = jwt.Audience is not null,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = ClockSkew,
                    LifetimeValidator = (notBefore, expires, token, _) =>
                        IsWithinLifetime(notBefore, expires, time.GetUtcNow()) && IsShortLived(token, jwt.MaxLifetime),
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                };
                bearer.Events = new JwtBearerEvents { OnTokenValidated = RefuseWithoutSubjectOrNotAccess };
            });
        builder.Services.AddAuthorization();
    }

    // Against the service's own clock (TimeProvider), like every other "now" in it. The skew moves "now", never
    // the token's times, which may sit at the ends of the calendar.
    private static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTimeOffset now) =>
        expires is { } exp && now.UtcDateTime - ClockSkew < exp.ToUniversalTime()
        && (notBefore is not { } nbf || now.UtcDateTime + ClockSkew >= nbf.ToUniversalTime());

    // A stolen token is worth as long as it lives: one issued for a century is refused however well it is signed.
    // Without iat nobody can say how long it was issued for.
    private static bool IsShortLived(SecurityToken token, TimeSpan max) =>
        token is JsonWebToken jwt
        && jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat)
        && jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp)
        && exp - iat <= (long)max.TotalSeconds;

    /// <summary>What is wrong with the shared key, which Development lets pass; null when nothing is.</summary>
    public static string? Problem(JwtOptions jwt) => jwt.SecretKey switch
    {
        null => jwt.DevelopmentKeyFile is { } file
            ? $"is not set, so a random development key kept in {file} signs and checks tokens"
            : "is not set",
        JwtOptions.PlaceholderKey => "is the placeholder 'your_jwt_secret_key'",
        _ when Encoding.UTF8.GetByteCount(jwt.SecretKey) < JwtOptions.MinimumKeyBytes => $"is shorter than {JwtOptions.MinimumKeyBytes} bytes",
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

    private static bool IsHttp(Uri? url) => url is null || (url.IsAbsoluteUri && url.Scheme is "http" or "https");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
