namespace Appointments.Notifications.Channels;

/// <summary>Sends one message (a reminder or a notice) by one method: email or SMS.</summary>
internal interface IMessageChannel
{
    /// <exception cref="DeliveryException">The message was not delivered.</exception>
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>What to send, worded once for every channel: SMS sends <see cref="Text"/>, email all of it.</summary>
/// <param name="To">The email address or E.164 phone number.</param>
/// <param name="Invite">An iCalendar invite for email to carry, if any.</param>
internal sealed record OutgoingMessage(string To, string Subject, string Text, string Html, CalendarPart? Invite = null)
{
    /// <summary>A provider's text with this reminder's address taken out, so the log holds no patient contact.</summary>
    public string WithoutAddress(string text) => text.Replace(To, "<recipient>", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A <c>text/calendar</c> part: its iTIP method (REQUEST, CANCEL) and the calendar.</summary>
internal sealed record CalendarPart(string Method, string Text);

/// <summary>
/// A failed delivery: transient ones are tried again on a later scan, permanent ones are not. The
/// <see cref="Category"/> is what the appointment's owner and the claim record; the message, the provider's
/// words, goes to the log only.
/// </summary>
internal sealed class DeliveryException : Exception
{
    public DeliveryException(string category, string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
        IsTransient = isTransient;
    }

    /// <summary>One of <see cref="DeliveryFailure"/>.</summary>
    public string Category { get; }

    public bool IsTransient { get; }
}

/// <summary>Why a message was not delivered, in words that may be stored on an appointment: no provider text, no address.</summary>
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
