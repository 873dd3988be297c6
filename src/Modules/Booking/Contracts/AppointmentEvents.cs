using Appointments.Booking.Storage;
using Appointments.Booking.Waitlist;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Contracts;

/// <summary>
/// The outbox as Notifications reads it. Booking's waitlist rides on the same passes: each read first ends the waitlist
/// holds that expired (their time goes to the next entry, whose offer is then an event like any other), and time an event
/// freed is offered before the event ends, so a crash in between offers it on the next pass instead of never.
/// </summary>
internal sealed class AppointmentEvents(OutboxStore outbox, DeliveriesRecord deliveries, WaitlistOffers waitlist, Clinic clinic) : IAppointmentEvents
{
    public async Task<EventBatch> PendingAsync(int max, CancellationToken cancellationToken = default)
    {
        await waitlist.SweepAsync(cancellationToken);
        var (events, lanes, more) = await outbox.PendingAsync(max, cancellationToken);
        var ended = await waitlist.EndedOffersAsync([.. events.Select(e => e.Event.Notice).OfType<Notice>().Where(n => n.Kind == NoticeKinds.Offer)], cancellationToken);
        return new EventBatch(events.Select(e => ToEvent(e.Position, e.Event, ended)).ToList(), lanes, more);
    }

    public IReadOnlyList<StateOperation> StillPending(AppointmentEvent appointmentEvent)
    {
        ArgumentNullException.ThrowIfNull(appointmentEvent);
        var (key, position) = (BookingKeys.OutboxEvent(appointmentEvent.Position.Lane, appointmentEvent.Position.Number), appointmentEvent.Position);

        // A delete with an ETag fails on a key that is gone or changed, on every store; the create puts it back as it was.
        return [StateOperation.Delete(key, position.ETag), StateOperation.Create(key, position.Bytes)];
    }

    public async Task CompleteAsync(
        EventBatch batch,
        IReadOnlyCollection<AppointmentEvent> done,
        IReadOnlyCollection<AppointmentEvent> retrying,
        Func<AppointmentEvent, IEnumerable<string>> keptFor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(retrying);
        ArgumentNullException.ThrowIfNull(keptFor);
        foreach (var freed in done.Concat(retrying).Where(e => e.Before is { } before && e.Before != e.After).Select(e => e.Before!).Distinct())
        {
            await waitlist.SettleAsync(freed.Doctor, freed.Start, null, cancellationToken);
        }

        foreach (var lane in batch.Lanes.Where(l => l.Read.Count > 0 || l.Holes.Count > 0))
        {
            var ended = done.Where(e => e.Position.Lane == lane.Lane).ToList();
            await outbox.CompleteAsync(
                lane,
                ended.Select(e => e.Position.Number).ToHashSet(),
                retrying.Where(e => e.Position.Lane == lane.Lane).Select(e => e.Position.Number).ToHashSet(),
                ended.SelectMany(keptFor),
                cancellationToken);
        }
    }

    public Task RecordNoticeAsync(PendingNotice notice, DeliveryState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(state);

        // An offer belongs to a waitlist entry, not an appointment: there are no deliveries to record it with.
        if (notice.Kind == NoticeKind.Offer)
        {
            return Task.CompletedTask;
        }

        return deliveries.RecordNoticeAsync(notice.AppointmentId, new NoticeDelivery(notice.Id, Kind(notice.Kind), state.Status, state.Attempts, state.SentAt, state.LastError), cancellationToken);
    }

    /// <param name="endedOffers">Offers (by notice id) that ended before their notice went out: nobody is told of those.</param>
    private AppointmentEvent ToEvent(OutboxPosition position, OutboxEvent stored, IReadOnlySet<string> endedOffers) => new(
        $"{position.Lane}.{position.Number}",
        stored.AppointmentId,
        Time(stored.Before),
        Time(stored.After),
        stored.Notice is { } notice && !endedOffers.Contains(notice.Id) ? ToPending(notice) : null,
        stored.At)
    {
        Position = position,
    };

    private static AppointmentTime? Time(EventTime? time) => time is null ? null : new AppointmentTime(time.Doctor, time.Start, time.End);

    private PendingNotice ToPending(Notice n) => new(
        n.Id,
        n.AppointmentId,
        n.Kind switch
        {
            NoticeKinds.Cancelled => NoticeKind.Cancelled,
            NoticeKinds.Rescheduled => NoticeKind.Rescheduled,
            NoticeKinds.Offer => NoticeKind.Offer,
            _ => NoticeKind.Confirmation,
        },
        n.Sequence,
        n.Doctor,
        n.StartUtc,
        n.StartUtc.AddMinutes(n.DurationMinutes),
        clinic.ToLocal(n.StartUtc),
        clinic.Zone.Id,
        AppointmentSchedule.ToMethod(n.Method),
        n.Email,
        n.Phone,
        n.Reason,
        n.CreatedAt)
    {
        HeldUntil = n.ExpiresAt is { } expires ? clinic.ToLocal(expires) : null,
    };

    private static string Kind(NoticeKind kind) => kind switch
    {
        NoticeKind.Cancelled => NoticeKinds.Cancelled,
        NoticeKind.Rescheduled => NoticeKinds.Rescheduled,
        _ => NoticeKinds.Confirmation,
    };
}
