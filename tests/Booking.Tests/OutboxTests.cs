using Appointments.Booking.Contracts;
using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>Booking's outbox: which changes write an event, what it says, and how events end.</summary>
public sealed class OutboxTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private IAppointmentEvents Events => _booking.Services.GetRequiredService<IAppointmentEvents>();

    [Fact]
    public async Task Booking_moving_cancelling_and_restoring_each_owe_one_notice_and_a_new_phone_writes_no_event()
    {
        var alice = BookingModuleHost.Patient("alice");
        var start = _booking.Clock.GetUtcNow().AddDays(3);
        var (booked, _) = await _booking.Book.BookAsync(alice, BookingModuleHost.At(start), null, null, CancellationToken.None);
        var id = booked!.Id;

        await ShouldSucceed(_booking.Book.UpdateAsync(alice, id, new AppointmentChanges { Phone = new Optional<string?>("+15555550100") }, null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.RescheduleAsync(alice, id, start.AddHours(2), null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.CancelAsync(alice, id, "Away", null, CancellationToken.None));
        await ShouldSucceed(_booking.Book.UpdateAsync(alice, id, new AppointmentChanges { Status = "scheduled" }, null, CancellationToken.None));

        var pending = (await Events.PendingAsync(100)).Events;

        pending.Select(e => e.Notice!.Kind).Should().Equal(NoticeKind.Confirmation, NoticeKind.Rescheduled, NoticeKind.Cancelled, NoticeKind.Confirmation);
        pending.Select(e => e.Notice!.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        pending.Should().OnlyContain(e => e.AppointmentId == id && e.Notice!.Email == "patient@example.com");
        pending[0].NewStart.Should().Be(start, "a booking's event says which start to remind of");
        pending[1].NewStart.Should().Be(start.AddHours(2));
        pending[2].Should().Match<AppointmentEvent>(e => e.After == null && e.Before!.Start == start.AddHours(2) && e.Notice!.Reason == "Away");
        pending[3].NewStart.Should().Be(start.AddHours(2), "a restored appointment holds its time again");
    }

    [Fact]
    public async Task A_patient_who_wants_no_messages_and_notices_turned_off_still_give_events_for_reminders_without_notices()
    {
        using var off = new BookingModuleHost(new Dictionary<string, string?> { ["Notices:Enabled"] = "false" });
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3));

        await _booking.Book.BookAsync(BookingModuleHost.Patient("quiet"), request with { ReminderMethod = ReminderMethods.None }, null, null, CancellationToken.None);
        await off.Book.BookAsync(BookingModuleHost.Patient("alice"), request, null, null, CancellationToken.None);

        (await Events.PendingAsync(100)).Events.Should().ContainSingle().Which.Notice.Should().BeNull();
        (await off.Services.GetRequiredService<IAppointmentEvents>().PendingAsync(100)).Events.Should().ContainSingle().Which.Notice.Should().BeNull();
    }

    [Fact]
    public async Task A_done_event_ends_and_one_that_waits_for_a_retry_stays_without_holding_up_the_ones_behind_it()
    {
        var alice = BookingModuleHost.Patient("alice");
        for (var day = 3; day <= 5; day++)
        {
            await _booking.BookOkAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(day)));
        }

        var batch = await Events.PendingAsync(100);
        var (waiting, done) = (batch.Events[0], batch.Events.Skip(1).ToList());
        await Events.CompleteAsync(batch, done, [waiting], _ => []);
        var afterFirst = (await Events.PendingAsync(100)).Events;
        await _booking.BookOkAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(6)));
        var again = await Events.PendingAsync(100);
        await Events.CompleteAsync(again, again.Events, [], _ => []);

        afterFirst.Should().ContainSingle().Which.Id.Should().Be(waiting.Id);
        again.Events.Should().HaveCount(2, "the waiting one, and the new one after the head");
        (await Events.PendingAsync(100)).Events.Should().BeEmpty();
        Keys("outbox|").Should().BeEmpty("ended events are deleted");
    }

    [Fact]
    public async Task A_consumer_that_read_an_event_before_another_ended_it_cannot_claim_it()
    {
        await _booking.BookOkAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3)));
        var stale = (await Events.PendingAsync(100)).Events.Single();
        var fresh = await Events.PendingAsync(100);
        (await _booking.Store.TryExecuteAsync([StateOperation.Create("claim|first", "1"u8.ToArray()), .. Events.StillPending(fresh.Events[0])])).Should().BeTrue();
        await Events.CompleteAsync(fresh, fresh.Events, [], _ => ["claim|first"]);

        var late = await _booking.Store.TryExecuteAsync([StateOperation.Create("claim|late", "1"u8.ToArray()), .. Events.StillPending(stale)]);

        late.Should().BeFalse();
        (await _booking.Store.GetAsync(BookingKeys.OutboxEvent(stale.Position.Lane, stale.Position.Number))).Exists.Should().BeFalse("the event does not come back");
    }

    [Fact]
    public async Task A_number_another_process_took_sends_the_event_to_the_next_and_both_are_read()
    {
        var other = new OutboxEvent("ffffffffffffffffffffffff", 1, _booking.Clock.GetUtcNow(), null, null, null).ToBytes();
        (await _booking.Store.TryExecuteAsync(Enumerable.Range(0, OutboxLanes.Count).Select(lane => StateOperation.Create(BookingKeys.OutboxEvent(lane, 0), other)).ToList()))
            .Should().BeTrue();

        var id = await _booking.BookOkAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3)));

        var mine = (await Events.PendingAsync(1000)).Events.Should().ContainSingle(e => e.AppointmentId == id).Which;
        mine.Position.Number.Should().Be(1);
    }

    [Fact]
    public async Task A_number_left_empty_is_passed_over_once_the_event_after_it_is_a_minute_old()
    {
        var later = new OutboxEvent("eeeeeeeeeeeeeeeeeeeeeeee", 1, _booking.Clock.GetUtcNow(), null, null, null).ToBytes();
        (await _booking.Store.TryExecuteAsync([StateOperation.Create(BookingKeys.OutboxEvent(7, 1), later)])).Should().BeTrue();
        var fresh = await Events.PendingAsync(100);
        _booking.Clock.Advance(TimeSpan.FromMinutes(2));

        var old = await Events.PendingAsync(100);

        fresh.Events.Should().BeEmpty("a write may still be on its way to the empty number");
        old.Events.Should().ContainSingle().Which.AppointmentId.Should().Be("eeeeeeeeeeeeeeeeeeeeeeee");
    }

    private List<string> Keys(string prefix) =>
        new TestSupport.SqliteFile(_booking.DatabaseFile).Keys().Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static async Task ShouldSucceed(Task<BookingError?> change) => (await change).Should().BeNull();
}
