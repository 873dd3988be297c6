namespace Appointments.Notifications;

/// <summary>What the host tells Notifications about the runtime it chose; everything else it reads from configuration.</summary>
public sealed record NotificationsSettings
{
    /// <summary>Send email and SMS through Dapr's <c>email</c> and <c>sms</c> output bindings, not MailKit and Twilio's REST API.</summary>
    public bool DaprBindings { get; init; }

    /// <summary>
    /// Scan from in-process timers. Off, Dapr's cron bindings trigger the scans by POSTing <c>/reminder-cron</c> and
    /// <c>/notice-cron</c> on every replica; either way the app scans once at start-up.
    /// </summary>
    public bool Timers { get; init; } = true;
}
