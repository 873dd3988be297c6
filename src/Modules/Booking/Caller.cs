using System.Security.Claims;

namespace Appointments.Booking;

/// <summary>
/// Who is asking: the token's <c>sub</c>, and their role, from the user service's profile of them when one is
/// configured (<see cref="Users.ProfileClaims"/>), else from the token's <c>role</c> claim. Patients see their own
/// appointments only.
/// </summary>
internal sealed record Caller(string Username, string Role)
{
    public const string Patient = "patient";
    public const string Doctor = "doctor";
    public const string Admin = "admin";

    /// <summary>The authentication type of the identity the user service's profile adds; no token can carry it.</summary>
    public const string ProfileIdentity = "user-service-profile";

    /// <summary>The user service answered with this caller's profile: they exist, no need to ask again.</summary>
    public bool IsKnown { get; init; }

    /// <summary>The profile's email address, for a booking that gives none.</summary>
    public string? Email { get; init; }

    /// <summary>The profile's phone number, for a booking that gives none.</summary>
    public string? Phone { get; init; }

    public bool IsAdmin => Role == Admin;

    /// <summary>Patients read their own appointments, doctors the ones booked with them, admins any.</summary>
    public bool CanRead(Appointment appointment) => Role switch
    {
        Admin => true,
        Doctor => appointment.Doctor == Username,
        _ => appointment.Username == Username,
    };

    /// <summary>The caller's own booking with the profile's contacts where it gives none.</summary>
    public NewAppointment WithContacts(NewAppointment request) =>
        request with { Email = request.Email ?? Email, Phone = request.Phone ?? Phone };

    public static Caller From(ClaimsPrincipal user)
    {
        var role = user.FindFirstValue("role");
        var profile = user.Identities.FirstOrDefault(identity => identity.AuthenticationType == ProfileIdentity);
        return new Caller(
            user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated caller always has a sub claim."),
            role is Doctor or Admin ? role : Patient)
        {
            IsKnown = profile is not null,
            Email = profile?.FindFirst("email")?.Value,
            Phone = profile?.FindFirst("phone")?.Value,
        };
    }
}
