namespace Appointments.Notifications;

/// <summary>The <c>Reminders:</c> section.</summary>
internal sealed class ReminderOptions
{
    public const string Section = "Reminders";

    /// <summary>A reminder is due once the start is less than this far away.</summary>
    public TimeSpan LeadTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the in-process timer scans.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(10);

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

    public bool IsValid() =>
        LeadTime > TimeSpan.Zero && ScanInterval > TimeSpan.Zero && ClaimLease > TimeSpan.Zero && SendTimeout > TimeSpan.Zero
        && RetryDelay >= TimeSpan.Zero && MaxAttempts >= 1;
}
