using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appointments.TestSupport;

/// <summary>A key the test made: RSA (RS256) or P-256 (ES256), with the key id a token names it by.</summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private TestSigningKey(string kid, RSA? rsa, ECDsa? ec) => (Kid, _rsa, _ec) = (kid, rsa, ec);

    public string Kid { get; }

    public string Algorithm => _rsa is not null ? "RS256" : "ES256";

    public static TestSigningKey Rsa(string kid) => new(kid, RSA.Create(2048), null);

    public static TestSigningKey Ec(string kid) => new(kid, null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The public half as a JWK (RFC 7517), written by hand.</summary>
    public Dictionary<string, string> Jwk()
    {
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            return new() { ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) };
        }

        var q = _ec!.ExportParameters(false).Q;
        return new() { ["kty"] = "EC", ["kid"] = Kid, ["use"] = "sig", ["alg"] = "ES256", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(q.X), ["y"] = Base64Url.EncodeToString(q.Y) };
    }

    /// <summary>A JWS over <paramref name="claims"/> signed with this key, naming <paramref name="kid"/> (its own by default).</summary>
    public string Sign(IDictionary<string, object> claims, string? kid = null)
    {
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = Algorithm, ["typ"] = "JWT", ["kid"] = kid ?? Kid }));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signed = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var signature = _rsa is not null
            ? _rsa.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : _ec!.SignData(signed, HashAlgorithmName.SHA256);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }
}

/// <summary>
/// An OpenID Connect identity provider over real HTTP on loopback: its discovery document at
/// <c>/.well-known/openid-configuration</c> and the keys it publishes (<see cref="Publish"/>) at <c>/jwks</c>.
/// </summary>
public sealed class IdentityProviderStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TestSigningKey[] _published = [];
    private int _fetches;

    private IdentityProviderStub(WebApplication app) => _app = app;

    public Uri Authority => new(_app.Urls.First());

    public Uri JwksUrl => new(Authority, "/jwks");

    /// <summary>The issuer its discovery document names.</summary>
    public string Issuer => Authority.AbsoluteUri.TrimEnd('/');

    /// <summary>How many times the key set was fetched.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Replaces the published key set: a rotation.</summary>
    public void Publish(params TestSigningKey[] keys) => _published = keys;

    public static async Task<IdentityProviderStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new IdentityProviderStub(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = stub.Issuer, jwks_uri = stub.JwksUrl.AbsoluteUri }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref stub._fetches);
            return Results.Json(new { keys = stub._published.Select(k => k.Jwk()).ToList() });
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
