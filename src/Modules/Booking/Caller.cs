using System.Security.Claims;

namespace Appointments.Booking;

/// <summary>Who is asking: the token's <c>sub</c> and <c>role</c>. Patients see their own appointments only.</summary>
internal sealed record Caller(string Username, string Role)
{
    public const string Patient = "patient";
    public const string Doctor = "doctor";
    public const string Admin = "admin";

    public bool IsAdmin => Role == Admin;

    /// <summary>Patients read their own appointments, doctors the ones booked with them, admins any.</summary>
    public bool CanRead(Appointment appointment) => Role switch
    {
        Admin => true,
        Doctor => appointment.Doctor == Username,
        _ => appointment.Username == Username,
    };

    public static Caller From(ClaimsPrincipal user)
    {
        var role = user.FindFirstValue("role");
        return new Caller(
            user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated caller always has a sub claim."),
            role is Doctor or Admin ? role : Patient);
    }
}
