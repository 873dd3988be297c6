namespace Appointments.Booking.Users;

internal sealed class UserServiceOptions
{
    public const string Section = "UserService";

    /// <summary>Base URL of the user service, given by the host (<see cref="BookingSettings.UserServiceUrl"/>).</summary>
    public Uri? Url { get; set; }

    /// <summary>Switches the existence check off. Needed to run without a user service outside Development.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one user check may take, its retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
