namespace Appointments.Notifications.Channels;

/// <summary>Sends one reminder by one method (email or SMS).</summary>
internal interface IReminderChannel
{
    /// <exception cref="ReminderDeliveryException">The reminder was not delivered.</exception>
    Task SendAsync(ReminderMessage message, CancellationToken cancellationToken);
}

/// <param name="To">The email address or E.164 phone number.</param>
/// <param name="LocalStart">The start in the clinic's time zone.</param>
internal sealed record ReminderMessage(string To, string Doctor, DateTime LocalStart, string TimeZoneId)
{
    /// <summary>A provider's text with this reminder's address taken out, so the log holds no patient contact.</summary>
    public string WithoutAddress(string text) => text.Replace(To, "<recipient>", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A failed delivery: transient ones are tried again on a later scan, permanent ones are not. The
/// <see cref="Category"/> is what the appointment's owner and the claim record; the message, the provider's
/// words, goes to the log only.
/// </summary>
internal sealed class ReminderDeliveryException : Exception
{
    public ReminderDeliveryException(string category, string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
        IsTransient = isTransient;
    }

    /// <summary>One of <see cref="DeliveryFailure"/>.</summary>
    public string Category { get; }

    public bool IsTransient { get; }
}

/// <summary>Why a reminder was not delivered, in words that may be stored on an appointment: no provider text, no address.</summary>
internal static class DeliveryFailure
{
    public const string NotConfigured = "not_configured";
    public const string NoAddress = "no_address";
    public const string InvalidAddress = "invalid_address";
    public const string Unreachable = "unreachable";
    public const string TimedOut = "timed_out";
    public const string TlsUnavailable = "tls_unavailable";
    public const string SmtpRejected = "smtp_rejected";
    public const string SmtpDeferred = "smtp_deferred";
    public const string TwilioRejected = "twilio_rejected";
    public const string TwilioDeferred = "twilio_deferred";
    public const string BindingFailed = "binding_failed";
    public const string GaveUp = "gave_up";
}
