using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Appointments.Deployment.Tests;

public sealed class SampleUserServiceTests : IDisposable
{
    private const string Key = "test-signing-key-that-is-long-enough-for-hs256";

    private readonly WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>()
        .WithWebHostBuilder(builder => builder
            .UseEnvironment("Development")
            .UseSetting("JWT_SECRET_KEY", Key)
            .UseSetting("Users:carol", "carol-password")
            .UseSetting("Users:dr-grey", "dr-grey-password")
            .UseSetting("Roles:dr-grey", "doctor")
            .UseSetting("Emails:dr-grey", "dr-grey@example.com"));

    [Fact]
    public async Task Login_returns_an_access_token_shaped_like_flask_jwt_extended()
    {
        var token = await LoginAsync("carol", "carol-password");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        var jwt = new JsonWebToken(token);
        jwt.Subject.Should().Be("carol");
        jwt.GetPayloadValue<string>("type").Should().Be("access");
        jwt.GetPayloadValue<bool>("fresh").Should().BeFalse();
        jwt.Id.Should().NotBeNullOrEmpty();
        jwt.TryGetPayloadValue<long>("iat", out _).Should().BeTrue();
        jwt.TryGetPayloadValue<long>("nbf", out _).Should().BeTrue();
        jwt.ValidTo.Should().BeAfter(DateTime.UtcNow);
        jwt.TryGetPayloadValue<string>("role", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Login_keeps_the_role_out_of_the_token_as_the_original_does()
    {
        var token = await LoginAsync("dr-grey", "dr-grey-password");

        new JsonWebToken(token).TryGetPayloadValue<string>("role", out _).Should().BeFalse();
    }

    [Fact]
    public async Task The_profile_answers_role_and_contacts_from_the_store_for_the_callers_own_token()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await LoginAsync("dr-grey", "dr-grey-password"));

        var profile = await client.GetFromJsonAsync<JsonElement>("/api/auth/profile");

        profile.GetProperty("username").GetString().Should().Be("dr-grey");
        profile.GetProperty("role").GetString().Should().Be("doctor");
        profile.GetProperty("email").GetString().Should().Be("dr-grey@example.com");
    }

    [Fact]
    public async Task A_user_without_a_role_is_a_patient()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await LoginAsync("carol", "carol-password"));

        (await client.GetFromJsonAsync<JsonElement>("/api/auth/profile")).GetProperty("role").GetString().Should().Be("patient");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not.a.token")]
    public async Task The_profile_without_a_valid_token_is_401(string? token)
    {
        using var client = factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        (await client.GetAsync("/api/auth/profile")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_is_401()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "carol", password = "nope" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_known_user_is_found()
    {
        using var client = factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/auth/user/carol");

        body.GetProperty("username").GetString().Should().Be("carol");
    }

    [Fact]
    public async Task An_unknown_user_is_404_User_not_found()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/auth/user/mallory");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString().Should().Be("User not found");
    }

    [Fact]
    public async Task User_names_match_exactly()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/auth/user/CAROL");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    public void Dispose() => factory.Dispose();

    private async Task<string> LoginAsync(string username, string password)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }
}
