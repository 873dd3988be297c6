using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>The outbox side of notices: which changes owe one, what it says, and how it leaves the pending index.</summary>
public sealed class NoticeOutboxTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private INoticeOutbox Outbox => _booking.Services.GetRequiredService<INoticeOutbox>();

    [Fact]
    public async Task Booking_moving_cancelling_and_restoring_each_owe_one_notice_and_other_changes_none()
    {
        var alice = BookingModuleHost.Patient("alice");
        var start = _booking.Clock.GetUtcNow().AddDays(3);
        var (booked, _) = await _booking.Book.BookAsync(alice, BookingModuleHost.At(start), null, CancellationToken.None);
        var id = booked!.Id;

        await ShouldSucceed(_booking.Book.UpdateAsync(alice, id, new AppointmentChanges { Phone = new Optional<string?>("+15555550100") }, null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.RescheduleAsync(alice, id, start.AddHours(2), null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.CancelAsync(alice, id, "Away", null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.UpdateAsync(alice, id, new AppointmentChanges { Status = "scheduled" }, null, CancellationToken.None));

        var pending = await Outbox.PendingAsync(100);

        pending.Select(n => n.Kind).Should().Equal(NoticeKind.Confirmation, NoticeKind.Rescheduled, NoticeKind.Cancelled, NoticeKind.Confirmation);
        pending.Select(n => n.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        pending.Should().OnlyContain(n => n.AppointmentId == id && n.Email == "patient@example.com");
        pending[0].StartUtc.Should().Be(start, "a notice says what the appointment was when it was owed");
        pending[1].StartUtc.Should().Be(start.AddHours(2));
        pending[2].Reason.Should().Be("Away");
    }

    [Fact]
    public async Task A_patient_who_wants_no_messages_is_owed_no_notice()
    {
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3)) with { ReminderMethod = ReminderMethods.None };

        await _booking.Book.BookAsync(BookingModuleHost.Patient("quiet"), request, null, CancellationToken.None);

        (await Outbox.PendingAsync(100)).Should().BeEmpty();
    }

    [Fact]
    public async Task With_notices_off_no_change_writes_one()
    {
        using var off = new BookingModuleHost(new Dictionary<string, string?> { ["Notices:Enabled"] = "false" });

        await off.Book.BookAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(off.Clock.GetUtcNow().AddDays(3)), null, CancellationToken.None);

        (await off.Services.GetRequiredService<INoticeOutbox>().PendingAsync(100)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_sent_notice_leaves_the_pending_index_and_shows_on_the_appointment_without_moving_its_etag()
    {
        var alice = BookingModuleHost.Patient("alice");
        var (booked, _) = await _booking.Book.BookAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3)), null, CancellationToken.None);
        var (before, _, _) = await _booking.Book.ReadAsync(alice, booked!.Id, CancellationToken.None);
        var notice = (await Outbox.PendingAsync(100)).Single();

        await Outbox.RecordAsync(notice, new DeliveryState("sending", 1, null, null));
        var stillPending = await Outbox.PendingAsync(100);
        await Outbox.RecordAsync(notice, new DeliveryState("sent", 1, _booking.Clock.GetUtcNow(), null));

        stillPending.Should().ContainSingle("sending is not finished");
        (await Outbox.PendingAsync(100)).Should().BeEmpty();
        var (after, deliveries, _) = await _booking.Book.ReadAsync(alice, booked.Id, CancellationToken.None);
        deliveries.Notices.Should().ContainSingle().Which.Should().Match<NoticeDelivery>(n => n.Kind == "confirmation" && n.Status == "sent");
        after!.ETag.Should().Be(before!.ETag);
    }

    [Fact]
    public async Task A_notice_owed_when_there_were_64_pending_lists_is_still_found_and_leaves_its_list_when_sent()
    {
        // An id whose list is not the same under 64 and 1,024 lists.
        var alice = BookingModuleHost.Patient("alice");
        string id;
        var day = 3;
        do
        {
            var (booked, _) = await _booking.Book.BookAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(day++)), null, CancellationToken.None);
            id = booked!.Id;
            foreach (var owed in await Outbox.PendingAsync(100))
            {
                await Outbox.RecordAsync(owed, new DeliveryState("sent", 1, _booking.Clock.GetUtcNow(), null));
            }
        }
        while (Convert.ToInt32(id[^3..], 16) % 1024 == Convert.ToInt32(id[^2..], 16) % 64);

        await _booking.Book.CancelAsync(alice, id, null, null, CancellationToken.None);
        var (current, legacy) = ($"notices-pending|{Convert.ToInt32(id[^3..], 16) % 1024}", $"notices-pending|{Convert.ToInt32(id[^2..], 16) % 64}");
        var list = await _booking.Store.GetAsync(current);
        (await _booking.Store.TryExecuteAsync([StateOperation.Delete(current), StateOperation.Save(legacy, list.Value!)])).Should().BeTrue();

        var notice = (await Outbox.PendingAsync(100)).Should().ContainSingle().Which;
        await Outbox.RecordAsync(notice, new DeliveryState("sent", 1, _booking.Clock.GetUtcNow(), null));

        notice.Kind.Should().Be(NoticeKind.Cancelled);
        (await Outbox.PendingAsync(100)).Should().BeEmpty();
        (await _booking.Store.GetAsync(legacy)).Exists.Should().BeFalse();
    }

    private static async Task ShouldSucceed(Task<BookingError?> change) => (await change).Should().BeNull();
}
