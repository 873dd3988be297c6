using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appointments.TestSupport;

/// <summary>
/// The user service over real HTTP on loopback: <c>GET /api/auth/user/{username}</c> answers 200 for known
/// users and 404 otherwise, or whatever status <see cref="FailWith"/> says; <see cref="Delay"/> makes it slow.
/// </summary>
public sealed class UserServiceStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UserServiceStub(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, bool> Users { get; } = new(StringComparer.Ordinal);

    public int? FailWith { get; set; }

    public TimeSpan Delay { get; set; }

    public Uri Url => new(_app.Urls.First());

    public static async Task<UserServiceStub> StartAsync(params string[] users)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new UserServiceStub(app);
        foreach (var user in users)
        {
            stub.Users[user] = true;
        }

        app.MapGet("/api/auth/user/{username}", async (string username) =>
        {
            if (stub.Delay > TimeSpan.Zero)
            {
                await Task.Delay(stub.Delay);
            }

            if (stub.FailWith is { } status)
            {
                return Results.StatusCode(status);
            }

            return stub.Users.ContainsKey(username)
                ? Results.Json(new { username })
                : Results.Json(new { message = "User not found" }, statusCode: 404);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
