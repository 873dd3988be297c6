using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Appointments.Booking.Api;

/// <summary>
/// Where links the service builds (FHIR <c>Bundle.link</c> and <c>fullUrl</c>, <c>Location</c>) point: under
/// <c>PublicBaseUrl</c> when set; else under the request's own host only when <c>AllowedHosts</c> names the hosts
/// (the host filter has refused any other by then); else at the address the server listens on. A <c>Host</c>
/// header a client made up never ends up in a link another system follows.
/// </summary>
internal sealed class PublicLinks(IConfiguration configuration, IServer server)
{
    private readonly Uri? _publicBase = Uri.TryCreate(configuration["PublicBaseUrl"], UriKind.Absolute, out var url) ? url : null;
    private readonly bool _hostsRestricted = configuration["AllowedHosts"] is { Length: > 0 } hosts && hosts.Split(';').All(h => h.Trim() != "*");

    /// <summary>A <c>Location</c>: absolute under <c>PublicBaseUrl</c> when set, else the path alone (which echoes nothing).</summary>
    public string Location(string path) => _publicBase is null ? path : _publicBase.AbsoluteUri.TrimEnd('/') + path;

    /// <summary>An absolute URL for <paramref name="path"/> (which starts with <c>/</c>).</summary>
    public string Url(HttpRequest request, string path) => Base(request) + path;

    /// <summary>The request's own URL, path and query as received, under the public base.</summary>
    public Uri Self(HttpRequest request) => new(Base(request) + request.Path.ToUriComponent() + request.QueryString.ToUriComponent());

    private string Base(HttpRequest request)
    {
        if (_publicBase is not null)
        {
            return _publicBase.AbsoluteUri.TrimEnd('/');
        }

        if (_hostsRestricted)
        {
            return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
        }

        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        return listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).TrimEnd('/')
            + request.PathBase.ToUriComponent();
    }
}
