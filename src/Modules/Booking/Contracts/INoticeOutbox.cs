namespace Appointments.Booking.Contracts;

/// <summary>
/// The notices Booking owes patients: each written in the transaction of the change that owes it (booked,
/// moved, cancelled), so a change and its notice exist together or not at all. Notifications sends them.
/// </summary>
public interface INoticeOutbox
{
    /// <summary>
    /// The oldest <paramref name="max"/> notices neither sent nor given up on, oldest first, from the pending index
    /// (never a scan of appointments); only their records are read.
    /// </summary>
    Task<IReadOnlyList<PendingNotice>> PendingAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records where a notice stands, shown on its appointment. A <c>sent</c> or <c>failed</c> notice leaves the
    /// pending index.
    /// </summary>
    Task RecordAsync(PendingNotice notice, DeliveryState state, CancellationToken cancellationToken = default);
}

public enum NoticeKind
{
    /// <summary>Booked, or restored after a cancellation.</summary>
    Confirmation,

    /// <summary>Its time, length or doctor changed.</summary>
    Rescheduled,

    Cancelled,
}

/// <summary>
/// A notice as it was owed: what the appointment was right after the change, fixed then, so a later change
/// does not rewrite an earlier notice.
/// </summary>
/// <param name="Id">Unique per appointment and change.</param>
/// <param name="Sequence">Grows with every change of the appointment: a calendar invite's SEQUENCE.</param>
/// <param name="LocalStart">The start in the clinic's time zone, as patients read it.</param>
/// <param name="Reason">Why it was cancelled, when the canceller said.</param>
public sealed record PendingNotice(
    string Id,
    string AppointmentId,
    NoticeKind Kind,
    int Sequence,
    string Doctor,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    DateTime LocalStart,
    string TimeZoneId,
    ReminderMethod Method,
    string? Email,
    string? Phone,
    string? Reason,
    DateTimeOffset CreatedAt);
