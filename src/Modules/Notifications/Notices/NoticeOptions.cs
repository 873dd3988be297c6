namespace Appointments.Notifications.Notices;

/// <summary>The <c>Notices:</c> section as Notifications reads it: how soon and how persistently notices go out.</summary>
internal sealed class NoticesOptions
{
    public const string Section = "Notices";

    /// <summary>Off: no notice is sent (Booking also stops owing them); the outbox is still read for the reminder index.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest a notice waits for its first attempt: the in-process timer scans twice per delay.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A <c>sending</c> claim older than this is taken over: its sender is presumed dead.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After the first transient failure; each later retry waits twice as long as the one before.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// The oldest this many pending notices are what one scan reads and sends: under a backlog (an SMTP outage, a
    /// burst of bookings) a scan's cost stays bounded, and the next scan goes on with the rest.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How many appointments' notices a scan sends at once; one appointment's go one after another.</summary>
    public int SendConcurrency { get; set; } = 4;

    /// <summary>
    /// At most this many notices (and waitlist offers) go to one email address or phone number in 24 hours, whoever
    /// asked for them; the rest are recorded as suppressed. Reminders are not counted.
    /// </summary>
    public int MaxPerRecipientPerDay { get; set; } = 10;

    /// <summary>What an SMS calls the clinic: a message naming its sender is harder to spoof than one that does not.</summary>
    public string ClinicName { get; set; } = "Your clinic";

    /// <summary>
    /// E.164 prefixes SMS may go to (e.g. <c>+1</c>, <c>+44</c>); empty: any number outside the non-geographic and
    /// premium ranges that SMS pumping lives on, which are never texted.
    /// </summary>
    public string[] SmsAllowedPrefixes { get; set; } = [];

    public TimeSpan ScanInterval => Delay / 2;

    public TimeSpan Backoff(int attempt) => RetryDelay * Math.Pow(2, Math.Max(0, attempt - 1));

    public bool IsValid() =>
        Delay >= TimeSpan.FromMilliseconds(100) && ClaimLease > TimeSpan.Zero && RetryDelay >= TimeSpan.Zero && MaxAttempts is >= 1 and <= 20
        && BatchSize is >= 1 and <= 10_000 && SendConcurrency is >= 1 and <= 32 && MaxPerRecipientPerDay is >= 1 and <= 1000
        && ClinicName.Trim().Length is >= 1 and <= 40 && SmsAllowedPrefixes.All(p => p.Length >= 2 && p[0] == '+' && p[1..].All(char.IsAsciiDigit));
}
