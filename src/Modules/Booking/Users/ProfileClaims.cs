using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Appointments.Booking.Users;

/// <summary>
/// Once a token has passed, puts the user service's word about its user in place of the token's: the profile's
/// role replaces any <c>role</c> claim, and an identity of type <see cref="Caller.ProfileIdentity"/> carries the
/// profile's contacts and says the user exists. A user the user service does not have is signed out (401 from
/// whatever route they called, with their <c>sub</c> kept for the audit log and the rate limits); a user service
/// that does not answer is an outage (503), never a 401.
/// </summary>
internal sealed class ProfileClaims(UserProfiles profiles, IHttpContextAccessor http) : IClaimsTransformation
{
    // The identities built from a profile, kept with it. A token's identity (RememberedTokens) and its profile
    // (UserProfiles) are each remembered, so every request with the token would build the same ones again; a new
    // profile (the user service asked again) or another identity for the token builds them anew. Nothing adds to
    // a caller's identities once they are built.
    private readonly ConditionalWeakTable<UserProfile, Built> _built = [];

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } token
            || principal.Identities.Any(identity => identity.AuthenticationType == Caller.ProfileIdentity)
            || http.HttpContext is not { } context
            || BearerToken(context.Request) is not { } bearer)
        {
            return principal;
        }

        var profile = await profiles.FindAsync(bearer, context.RequestAborted);
        if (profile is null)
        {
            return new ClaimsPrincipal(new ClaimsIdentity(token.FindAll("sub")));
        }

        if (!_built.TryGetValue(profile, out var built) || built.Token != token)
        {
            built = Build(token, profile);
            _built.AddOrUpdate(profile, built);
        }

        return new ClaimsPrincipal([built.WithRole, built.Contacts]);
    }

    private static Built Build(ClaimsIdentity token, UserProfile profile)
    {
        var withRole = new ClaimsIdentity(token.Claims.Where(c => c.Type != "role"), token.AuthenticationType, token.NameClaimType, token.RoleClaimType);
        withRole.AddClaim(new Claim("role", profile.Role));
        var contacts = new ClaimsIdentity(Caller.ProfileIdentity);
        if (profile.Email is { } email)
        {
            contacts.AddClaim(new Claim("email", email));
        }

        if (profile.Phone is { } phone)
        {
            contacts.AddClaim(new Claim("phone", phone));
        }

        return new Built(token, withRole, contacts);
    }

    private static string? BearerToken(HttpRequest request) =>
        request.Headers[HeaderNames.Authorization].ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;

    private sealed record Built(ClaimsIdentity Token, ClaimsIdentity WithRole, ClaimsIdentity Contacts);
}
