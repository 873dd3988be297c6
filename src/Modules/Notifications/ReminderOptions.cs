namespace Appointments.Notifications;

/// <summary>The <c>Reminders:</c> section.</summary>
internal sealed class ReminderOptions
{
    public const string Section = "Reminders";

    /// <summary>A reminder is due once the start is less than this far away.</summary>
    public TimeSpan LeadTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the in-process timer scans.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long one send may take before it counts as a transient failure, so that one hung send cannot stall a scan.
    /// Longer than the Dapr components' own outbound timeouts, so that their answer normally comes first.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>sending</c> claim older than this is taken over: its sender is presumed dead.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After a transient failure, the first scan at least this much later tries again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Whether the in-process timer scans (Embedded mode). The host turns it off under Dapr, where the cron binding
    /// triggers scans through <c>POST /reminder-cron</c>, which exists only then.
    /// </summary>
    public bool Timer { get; set; } = true;

    public bool IsValid() =>
        LeadTime > TimeSpan.Zero && ScanInterval > TimeSpan.Zero && ClaimLease > TimeSpan.Zero && SendTimeout > TimeSpan.Zero
        && RetryDelay >= TimeSpan.Zero && MaxAttempts >= 1;
}

/// <summary>The <c>Notifications:</c> section.</summary>
internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    public ReminderDelivery Delivery { get; set; } = ReminderDelivery.Direct;
}

internal enum ReminderDelivery
{
    /// <summary>MailKit SMTP and Twilio's REST API.</summary>
    Direct,

    /// <summary>Dapr output bindings <c>email</c> and <c>sms</c>.</summary>
    DaprBindings,
}
