using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Contracts;

/// <summary>
/// Booking's outbox, as the modules that follow it read it: one event per change that moved an appointment's time or owes
/// its patient a notice, written in the change's own transaction, so a change and its event exist together or not at
/// all. Consumers on any number of replicas read the same events; what they do with one must be safe to do twice, and a
/// notice is sent once by claiming it (<see cref="StillPending"/>).
/// </summary>
public interface IAppointmentEvents
{
    /// <summary>
    /// Events not yet done, at most <paramref name="max"/>: each lane's events waiting for another attempt, then the next
    /// ones after its head. A bounded number of keys is read, however far behind the consumers are.
    /// </summary>
    Task<EventBatch> PendingAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Operations that make a transaction fail unless <paramref name="appointmentEvent"/> is still pending as it was
    /// read: a consumer writes them with the claim it takes on the event, so one that read it before another consumer
    /// finished it cannot act on it again.
    /// </summary>
    IReadOnlyList<StateOperation> StillPending(AppointmentEvent appointmentEvent);

    /// <summary>
    /// Ends <paramref name="done"/> (their events deleted with the keys <paramref name="keptFor"/> names, which the
    /// consumer kept for them) and keeps <paramref name="retrying"/> for a later attempt, each lane's head moving past
    /// both. A lane another consumer moved meanwhile is left to the next pass.
    /// </summary>
    Task CompleteAsync(
        EventBatch batch,
        IReadOnlyCollection<AppointmentEvent> done,
        IReadOnlyCollection<AppointmentEvent> retrying,
        Func<AppointmentEvent, IEnumerable<string>> keptFor,
        CancellationToken cancellationToken = default);

    /// <summary>Records where a notice stands, shown on its appointment.</summary>
    Task RecordNoticeAsync(PendingNotice notice, DeliveryState state, CancellationToken cancellationToken = default);
}

/// <summary>The time an appointment holds with its doctor.</summary>
public sealed record AppointmentTime(string Doctor, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// One change of an appointment: the time it held before and holds after (null: none), and the notice it owes.
/// </summary>
/// <param name="Id">Unique among all events, ever.</param>
public sealed record AppointmentEvent(string Id, string AppointmentId, AppointmentTime? Before, AppointmentTime? After, PendingNotice? Notice, DateTimeOffset At)
{
    /// <summary>The start it newly holds (booked, moved, restored), if any: when its reminder falls due.</summary>
    public DateTimeOffset? NewStart => After is { } after && (Before is null || Before.Start != after.Start) ? after.Start : null;

    internal Storage.OutboxPosition Position { get; init; } = null!;
}

/// <summary>What one read of the outbox found, and where each lane stood, for <see cref="IAppointmentEvents.CompleteAsync"/>.</summary>
public sealed class EventBatch
{
    internal EventBatch(IReadOnlyList<AppointmentEvent> events, IReadOnlyList<Storage.LaneRead> lanes, bool hasMore) =>
        (Events, Lanes, HasMore) = (events, lanes, hasMore);

    public IReadOnlyList<AppointmentEvent> Events { get; }

    /// <summary>Whether there were more events pending than this batch holds.</summary>
    public bool HasMore { get; }

    internal IReadOnlyList<Storage.LaneRead> Lanes { get; }
}

public enum NoticeKind
{
    /// <summary>Booked, or restored after a cancellation.</summary>
    Confirmation,

    /// <summary>Its time, length or doctor changed.</summary>
    Rescheduled,

    Cancelled,

    /// <summary>Freed time held for a patient on the waitlist until <see cref="PendingNotice.HeldUntil"/>.</summary>
    Offer,
}

/// <summary>
/// A notice as it was owed: what the appointment was right after the change, fixed then, so a later change
/// does not rewrite an earlier notice.
/// </summary>
/// <param name="Id">Unique per appointment and change.</param>
/// <param name="Sequence">Grows with every change of the appointment: a calendar invite's SEQUENCE.</param>
/// <param name="LocalStart">The start in the clinic's time zone, as patients read it.</param>
/// <param name="Reason">Why it was cancelled, when the canceller said.</param>
/// <param name="AppointmentId">The appointment's id; for an offer, the waitlist entry's.</param>
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
    DateTimeOffset CreatedAt)
{
    /// <summary>For an offer: until when, in the clinic's zone, the time is held.</summary>
    public DateTime? HeldUntil { get; init; }
}
