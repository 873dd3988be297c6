namespace Appointments.Booking.Users;

internal sealed class UserServiceOptions
{
    public const string Section = "UserService";

    /// <summary>Base URL of the user service; <c>USER_SERVICE_URL</c> when not set here.</summary>
    public Uri? Url { get; set; }

    /// <summary>Switches the existence check off. Needed to run without a user service outside Development.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
