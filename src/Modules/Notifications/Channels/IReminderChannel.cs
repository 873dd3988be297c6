namespace Appointments.Notifications.Channels;

/// <summary>Sends one reminder by one method (email or SMS).</summary>
internal interface IReminderChannel
{
    /// <exception cref="ReminderDeliveryException">The reminder was not delivered.</exception>
    Task SendAsync(ReminderMessage message, CancellationToken cancellationToken);
}

/// <param name="To">The email address or E.164 phone number.</param>
/// <param name="LocalStart">The start in the clinic's time zone.</param>
internal sealed record ReminderMessage(string To, string Doctor, DateTime LocalStart, string TimeZoneId);

/// <summary>A failed delivery: transient ones are tried again on a later scan, permanent ones are not.</summary>
internal sealed class ReminderDeliveryException : Exception
{
    public ReminderDeliveryException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    public bool IsTransient { get; }
}
