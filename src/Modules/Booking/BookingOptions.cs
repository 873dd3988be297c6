using System.ComponentModel.DataAnnotations;

namespace Appointments.Booking;

internal sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>The clinic's IANA time zone: times without an offset are read and written in it.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    [Range(typeof(TimeSpan), "00:05:00", "08:00:00")]
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Patients and doctors may not book or move a visit to start sooner than this; admins may.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan MinimumNotice { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Patients and doctors may not book or move a visit to start later than this ahead; admins may.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Refuse bookings (and moves) with a doctor who has no schedule; off for the original's clients, who book any doctor.</summary>
    public bool RequireSchedule { get; set; }

    /// <summary>The most active appointments still ahead that one patient may hold; admins booking for them are exempt.</summary>
    [Range(1, 10_000)]
    public int MaxActivePerPatient { get; set; } = 20;

    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;
}

/// <summary>The <c>Notices:</c> section as Booking reads it: whether changes owe patients a notice at all.</summary>
internal sealed class NoticeOptions
{
    public const string Section = "Notices";

    /// <summary>Off: changes write no notices to the outbox, so none are ever sent.</summary>
    public bool Enabled { get; set; } = true;
}
