using System.Net;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// The host behind an identity provider that signs RS256/ES256 tokens with the keys it publishes (Jwt:JwksUrl),
/// names itself and the audience in them, and signs roles in (Auth:RoleSource=token); HS256 is off, so holding
/// JWT_SECRET_KEY signs nothing.
/// </summary>
public sealed class PublishedKeysApp : EmbeddedApp
{
    public const string Issuer = "https://idp.clinic.test";
    public const string Audience = "appointments";

    public IdentityProviderStub Provider { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        Provider = await IdentityProviderStub.StartAsync();
        settings["Jwt:JwksUrl"] = Provider.JwksUrl.AbsoluteUri;
        settings["Jwt:Issuer"] = Issuer;
        settings["Jwt:Audience"] = Audience;
        settings["Jwt:AllowSharedSecret"] = "false";
        settings["Auth:RoleSource"] = "token";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class PublishedKeysTests : ApiTestBase<PublishedKeysApp>, IDisposable
{
    private readonly TestSigningKey _rsa = TestSigningKey.Rsa($"rsa-{Guid.NewGuid():N}");
    private readonly TestSigningKey _ec = TestSigningKey.Ec($"ec-{Guid.NewGuid():N}");

    public PublishedKeysTests(PublishedKeysApp app)
        : base(app)
    {
        // Each test publishes its own keys; an unknown key id fetches them again at most every 10 seconds.
        App.Clock.Advance(TimeSpan.FromSeconds(11));
    }

    [Fact]
    public async Task RS256_and_ES256_tokens_signed_with_published_keys_open_the_api_with_their_signed_role()
    {
        App.Provider.Publish(_rsa, _ec);
        var doctor = NewDoctor();

        var agenda = await Call(_rsa.Sign(Claims(doctor, role: "doctor")), $"/api/doctors/{doctor}/appointments?date=2031-03-10");
        var list = await Call(_ec.Sign(Claims("patient-ec")));

        agenda.Should().Be(HttpStatusCode.OK, "the identity provider signs the role");
        list.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_the_provider_does_not_publish_is_401_whatever_key_id_it_names()
    {
        App.Provider.Publish(_rsa);
        using var foreign = TestSigningKey.Rsa("foreign");

        (await Call(foreign.Sign(Claims("mallory"), kid: _rsa.Kid))).Should().Be(HttpStatusCode.Unauthorized);
        (await Call(foreign.Sign(Claims("mallory")))).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_rotated_out_stops_opening_the_api_even_for_a_token_it_opened_before()
    {
        App.Provider.Publish(_rsa);
        var old = _rsa.Sign(Claims("rotated"));
        (await Call(old)).Should().Be(HttpStatusCode.OK);

        using var next = TestSigningKey.Rsa($"next-{Guid.NewGuid():N}");
        App.Provider.Publish(next);
        App.Clock.Advance(TimeSpan.FromSeconds(11));

        (await Call(next.Sign(Claims("rotated")))).Should().Be(HttpStatusCode.OK, "an unknown key id fetches the keys again");
        (await Call(old)).Should().Be(HttpStatusCode.Unauthorized, "its key id is no longer published");
    }

    [Fact]
    public async Task Known_keys_are_kept_not_fetched_for_every_token()
    {
        App.Provider.Publish(_rsa);
        (await Call(_rsa.Sign(Claims("first")))).Should().Be(HttpStatusCode.OK);
        var fetches = App.Provider.Fetches;

        for (var i = 0; i < 5; i++)
        {
            (await Call(_rsa.Sign(Claims($"caller-{i}")))).Should().Be(HttpStatusCode.OK);
        }

        App.Provider.Fetches.Should().Be(fetches);
    }

    [Theory]
    [InlineData("lives 25 hours")]
    [InlineData("lives a century")]
    [InlineData("another audience")]
    [InlineData("no audience")]
    [InlineData("another issuer")]
    [InlineData("HS256 with the shared key")]
    public async Task A_token_the_provider_did_not_mean_for_this_service_is_401(string why)
    {
        App.Provider.Publish(_rsa);
        var claims = Claims("alice", lifetime: why switch
        {
            "lives 25 hours" => TimeSpan.FromHours(25),
            "lives a century" => TimeSpan.FromDays(36_500),
            _ => TimeSpan.FromMinutes(15),
        });
        if (why == "another audience")
        {
            claims["aud"] = "billing";
        }
        else if (why == "no audience")
        {
            claims.Remove("aud");
        }
        else if (why == "another issuer")
        {
            claims["iss"] = "https://evil.test";
        }

        var token = why == "HS256 with the shared key" ? FlaskTokens.Sign(claims) : _rsa.Sign(claims);

        (await Call(token)).Should().Be(HttpStatusCode.Unauthorized, why);
    }

    [Fact]
    public async Task A_token_living_exactly_the_maximum_is_let_in()
    {
        App.Provider.Publish(_rsa);

        (await Call(_rsa.Sign(Claims("day-long", lifetime: TimeSpan.FromHours(24))))).Should().Be(HttpStatusCode.OK);
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }

    private Dictionary<string, object> Claims(string username, string? role = null, TimeSpan? lifetime = null)
    {
        var claims = FlaskTokens.Claims(username, (long)(lifetime ?? TimeSpan.FromMinutes(15)).TotalSeconds, App.Clock.GetUtcNow());
        claims["iss"] = PublishedKeysApp.Issuer;
        claims["aud"] = PublishedKeysApp.Audience;
        if (role is not null)
        {
            claims["role"] = role;
        }

        return claims;
    }

    private async Task<HttpStatusCode> Call(string token, string path = "/api/appointments") =>
        (await App.Client(token).GetAsync(path)).StatusCode;
}

/// <summary>With Jwt:Authority the keys and the issuer come from the provider's OpenID Connect discovery document.</summary>
public sealed class DiscoveredKeysApp : EmbeddedApp
{
    public IdentityProviderStub Provider { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        Provider = await IdentityProviderStub.StartAsync();
        settings["Jwt:Authority"] = Provider.Authority.AbsoluteUri;
        settings["Jwt:AllowSharedSecret"] = "false";
        settings["Auth:RoleSource"] = "token";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class DiscoveredKeysTests(DiscoveredKeysApp app) : ApiTestBase<DiscoveredKeysApp>(app)
{
    [Fact]
    public async Task Discovery_names_the_keys_and_the_issuer_every_token_must_carry()
    {
        using var key = TestSigningKey.Ec("discovered");
        App.Provider.Publish(key);
        var claims = FlaskTokens.Claims("dana", issuedAt: App.Clock.GetUtcNow());
        var unnamed = key.Sign(claims);
        claims["iss"] = App.Provider.Issuer;

        (await App.Client(key.Sign(claims)).GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.Client(unnamed).GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
