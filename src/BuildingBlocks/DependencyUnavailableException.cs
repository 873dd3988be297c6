namespace Appointments.BuildingBlocks;

/// <summary>
/// Something the service depends on (the state store, the user service) could not answer.
/// The API turns it into 503 with <c>Retry-After</c>; nothing was stored.
/// </summary>
public class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException()
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }

    public DependencyUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
