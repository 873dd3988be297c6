using System.ComponentModel.DataAnnotations;

namespace Appointments.Booking.Waitlist;

internal sealed class WaitlistOptions
{
    public const string Section = "Waitlist";

    /// <summary>At most this many waiting (or offered) entries per patient (API.md, "Waitlist").</summary>
    public const int MaxActivePerPatient = 5;

    /// <summary>How long freed time is held for the patient it is offered to before it goes to the next one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Hold { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>How a hold ends before it expires: its entry's answer, and what the entry becomes.</summary>
/// <param name="Status"><see cref="WaitlistStatus.Waiting"/> for a decline, <see cref="WaitlistStatus.Removed"/> when it leaves.</param>
internal sealed record Release(string EntryId, string Status);

internal enum OfferOutcome
{
    /// <summary>The time is now held for the next entry that fits.</summary>
    Offered,

    /// <summary>Nothing to do: the time is kept by an appointment, held for someone already, or nobody waiting fits.</summary>
    Unchanged,

    /// <summary>The hold to release is gone or expired.</summary>
    Stale,
}
