using System.ComponentModel.DataAnnotations;

namespace Appointments.Booking.Users;

/// <summary>Where a caller's role comes from.</summary>
internal enum RoleSource
{
    /// <summary>
    /// The user service's <c>GET /api/auth/profile</c>, as the original system keeps roles: in its database, never in
    /// its tokens. Without a user service (Development) the token's claim is all there is.
    /// </summary>
    Profile,

    /// <summary>The token's <c>role</c> claim: for identity providers that sign roles into their tokens.</summary>
    Token,
}

/// <summary>The <c>Auth:</c> section.</summary>
internal sealed class ProfileOptions
{
    public const string Section = "Auth";

    public RoleSource RoleSource { get; set; } = RoleSource.Profile;

    /// <summary>How long a token's profile is remembered: a demotion takes effect within this long. 0: ask every time.</summary>
    [Range(0, 3600)]
    public int ProfileCacheSeconds { get; set; } = 60;
}
