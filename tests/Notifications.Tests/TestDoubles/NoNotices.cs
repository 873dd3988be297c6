using Appointments.Booking.Contracts;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>An outbox with nothing owed, for the reminder tests that stand a schedule in for Booking.</summary>
internal sealed class NoNotices : INoticeOutbox
{
    public Task<IReadOnlyList<PendingNotice>> PendingAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingNotice>>([]);

    public Task RecordAsync(PendingNotice notice, DeliveryState state, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("No notice is ever pending here.");
}
