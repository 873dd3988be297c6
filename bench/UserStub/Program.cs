// The user service as the bench needs it: every user exists, and each one's profile says the role the bench
// minted into its token (bench/Tokens), as a real user service would say it from its own store. A bare
// minimal-API app, so a lookup costs what a real HTTP round trip to a fast local service costs, and no more.
using System.Buffers.Text;
using System.Text.Json;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/api/auth/user/{username}", () => TypedResults.Ok());
app.MapGet("/api/auth/profile", (HttpRequest request) =>
{
    var token = request.Headers.Authorization.ToString();
    var parts = token.StartsWith("Bearer ", StringComparison.Ordinal) ? token["Bearer ".Length..].Split('.') : [];
    if (parts.Length != 3)
    {
        return Results.Json(new { msg = "Missing Authorization Header" }, statusCode: 401);
    }

    var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
    var role = claims.TryGetProperty("role", out var r) ? r.GetString() : "patient";
    return Results.Json(new { username = claims.GetProperty("sub").GetString(), email = (string?)null, role, phone = (string?)null });
});
app.Run();
