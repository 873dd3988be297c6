using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appointments.TestSupport;

/// <summary>A user as the user service stores it: the role and contacts live here, never in its tokens.</summary>
public sealed record StubUser(string Role = "patient", string? Email = null, string? Phone = null);

/// <summary>
/// The original user service over real HTTP on loopback, as its Flask code answers: <c>POST /api/auth/login</c>
/// issues role-less flask-jwt-extended access tokens (HS256, <see cref="FlaskTokens.Key"/>);
/// <c>GET /api/auth/profile</c> checks the caller's own token as flask-jwt-extended does (401 <c>msg</c> for a
/// missing or expired one, 422 for a bad one) and answers <c>{username, email, role, phone}</c> from its store, or
/// 404 <c>User not found</c>; <c>GET /api/auth/user/{username}</c> answers 200 or 404. Every route answers
/// <see cref="FailWith"/> instead when it is set, after <see cref="Delay"/>.
/// </summary>
public sealed class UserServiceStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _profileCalls;
    private int _userCalls;

    private UserServiceStub(WebApplication app) => _app = app;

    /// <summary>The user store: usernames, exactly as registered, and what the service keeps about each.</summary>
    public ConcurrentDictionary<string, StubUser> Users { get; } = new(StringComparer.Ordinal);

    public int? FailWith { get; set; }

    public TimeSpan Delay { get; set; }

    /// <summary>The clock tokens are issued and checked by: a test host's, so that they agree on "now".</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public Uri Url => new(_app.Urls.First());

    /// <summary>How many <c>GET /api/auth/profile</c> calls arrived.</summary>
    public int ProfileCalls => Volatile.Read(ref _profileCalls);

    /// <summary>How many <c>GET /api/auth/user/{username}</c> calls arrived.</summary>
    public int UserCalls => Volatile.Read(ref _userCalls);

    /// <summary>Registers a user, or changes a registered one's role (a promotion or demotion in its database).</summary>
    public void Add(string username, string role = "patient", string? email = null, string? phone = null) =>
        Users[username] = new StubUser(role, email, phone);

    public static async Task<UserServiceStub> StartAsync(params string[] users)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new UserServiceStub(app);
        foreach (var user in users)
        {
            stub.Add(user);
        }

        app.Use(async (context, next) =>
        {
            if (stub.Delay > TimeSpan.Zero)
            {
                await Task.Delay(stub.Delay);
            }

            if (stub.FailWith is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            await next(context);
        });
        app.MapGet("/api/auth/user/{username}", (string username) =>
        {
            Interlocked.Increment(ref stub._userCalls);
            return stub.Users.ContainsKey(username)
                ? Results.Json(new { username })
                : Results.Json(new { message = "User not found" }, statusCode: 404);
        });
        app.MapGet("/api/auth/profile", (HttpRequest request) =>
        {
            Interlocked.Increment(ref stub._profileCalls);
            var (username, refusal) = Identity(request.Headers.Authorization.ToString(), stub.Clock.GetUtcNow());
            if (refusal is not null)
            {
                return refusal;
            }

            return stub.Users.TryGetValue(username!, out var user)
                ? Results.Json(new { username, email = user.Email, role = user.Role, phone = user.Phone })
                : Results.Json(new { message = "User not found" }, statusCode: 404);
        });
        app.MapPost("/api/auth/login", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var username = body.TryGetProperty("username", out var name) ? name.GetString() : null;
            var password = body.TryGetProperty("password", out var given) ? given.GetString() : null;
            return username is not null && stub.Users.ContainsKey(username) && password == PasswordOf(username)
                ? Results.Json(new { access_token = FlaskTokens.Access(username, now: stub.Clock.GetUtcNow()) })
                : Results.Json(new { message = "Invalid credentials" }, statusCode: 401);
        });
        await app.StartAsync();
        return stub;
    }

    /// <summary>Every stub user's password: the tests log in with it.</summary>
    public static string PasswordOf(string username) => $"{username}-password";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The <c>sub</c> of a valid HS256 access token, or flask-jwt-extended's refusal of it.</summary>
    private static (string? Username, IResult? Refusal) Identity(string authorization, DateTimeOffset now)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (null, Results.Json(new { msg = "Missing Authorization Header" }, statusCode: 401));
        }

        var parts = authorization["Bearer ".Length..].Split('.');
        if (parts.Length != 3)
        {
            return (null, Results.Json(new { msg = "Not enough segments" }, statusCode: 422));
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(FlaskTokens.Key), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!Base64Url.IsValid(parts[2]) || !CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2])))
        {
            return (null, Results.Json(new { msg = "Signature verification failed" }, statusCode: 422));
        }

        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        if (claims.GetProperty("exp").GetInt64() < now.ToUnixTimeSeconds())
        {
            return (null, Results.Json(new { msg = "Token has expired" }, statusCode: 401));
        }

        return (claims.GetProperty("sub").GetString(), null);
    }
}
