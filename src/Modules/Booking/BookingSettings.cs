namespace Appointments.Booking;

/// <summary>What the host tells Booking about the runtime it chose; everything else Booking reads from configuration.</summary>
public sealed record BookingSettings
{
    /// <summary>
    /// The user service's base address: the service itself, or a sidecar path that invokes it. Null when none is
    /// configured (then the check is off in Development and the host refuses to start elsewhere).
    /// </summary>
    public Uri? UserServiceUrl { get; init; }

    /// <summary>
    /// Whether the user check retries and breaks the circuit itself. Off when a sidecar's resiliency policy already
    /// does, so that retries do not multiply.
    /// </summary>
    public bool UserServiceResilience { get; init; } = true;
}
