using Appointments.Booking.Storage;

namespace Appointments.Booking.Contracts;

internal sealed class NoticeOutbox(AppointmentStore store, Clinic clinic) : INoticeOutbox
{
    public async Task<IReadOnlyList<PendingNotice>> PendingAsync(int max, CancellationToken cancellationToken = default) =>
        (await store.PendingNoticesAsync(max, cancellationToken)).Select(ToPending).ToList();

    public Task RecordAsync(PendingNotice notice, DeliveryState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(state);
        var delivery = new NoticeDelivery(notice.Id, Kind(notice.Kind), state.Status, state.Attempts, state.SentAt, state.LastError);
        var finished = state.Status is "sent" or "failed" or "suppressed";
        return store.RecordNoticeAsync(notice.AppointmentId, notice.Id, delivery, finished, cancellationToken);
    }

    private PendingNotice ToPending(Notice n) => new(
        n.Id,
        n.AppointmentId,
        n.Kind switch
        {
            NoticeKinds.Cancelled => NoticeKind.Cancelled,
            NoticeKinds.Rescheduled => NoticeKind.Rescheduled,
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
        n.CreatedAt);

    private static string Kind(NoticeKind kind) => kind switch
    {
        NoticeKind.Cancelled => NoticeKinds.Cancelled,
        NoticeKind.Rescheduled => NoticeKinds.Rescheduled,
        _ => NoticeKinds.Confirmation,
    };
}
