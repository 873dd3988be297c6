using Appointments.Booking.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>What retention strips, and what needs no purge at all because it gives way by itself.</summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly Caller Admin = new("the-admin", Caller.Admin);
    private static readonly Caller Doctor = new("dr-house", Caller.Doctor);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private Retention Retention => _booking.Services.GetRequiredService<Retention>();

    [Fact]
    public async Task A_slot_held_by_an_appointment_nobody_closed_goes_to_the_next_booking_once_its_time_has_passed()
    {
        var first = await _booking.BookOkAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddHours(2)) with { Slot = "slot-1" });
        var later = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(7)) with { Slot = "slot-1" };
        var (whileHeld, refused) = await _booking.Book.BookAsync(Admin, later with { Username = "bob" }, null, null, CancellationToken.None);
        _booking.Clock.Advance(TimeSpan.FromHours(3));

        var second = await _booking.BookOkAsync(BookingModuleHost.Patient("bob"), later);

        whileHeld.Should().BeNull();
        refused.Should().Be(BookingError.TimeTaken);
        (await SlotHolderAsync("slot-1")).Should().Be(second);
        (await _booking.Book.ReadAsync(Admin, first, CancellationToken.None)).Appointment!.Appointment.Status.Should().Be("scheduled", "its record stays as it was");
    }

    [Fact]
    public async Task Closing_an_appointment_after_its_slot_went_to_another_leaves_the_slot_to_whoever_holds_it_now()
    {
        var first = await _booking.BookOkAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddHours(2)) with { Slot = "slot-2" });
        _booking.Clock.Advance(TimeSpan.FromDays(3));
        var second = await _booking.BookOkAsync(BookingModuleHost.Patient("bob"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(7)) with { Slot = "slot-2" });

        (await _booking.Book.UpdateAsync(Doctor, first, new AppointmentChanges { Status = "completed" }, null, CancellationToken.None)).Should().BeNull();

        (await SlotHolderAsync("slot-2")).Should().Be(second, "closing the first appointment released only what was still its own");
    }

    [Fact]
    public async Task A_deleted_appointment_keeps_its_contact_data_thirty_days_then_only_a_tombstone_and_its_history_stay()
    {
        var alice = BookingModuleHost.Patient("alice");
        var id = await _booking.BookOkAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3)) with { Phone = "+15555550100" });
        (await _booking.Book.DeleteAsync(alice, id, null, CancellationToken.None)).Should().BeNull();
        _booking.Clock.Advance(TimeSpan.FromDays(20));
        await Retention.PurgeOnceAsync(CancellationToken.None);
        var after20Days = await TombstoneAsync(id);
        _booking.Clock.Advance(TimeSpan.FromDays(12));

        await Retention.PurgeOnceAsync(CancellationToken.None);

        after20Days.Email.Should().Be("patient@example.com");
        var tombstone = await TombstoneAsync(id);
        tombstone.IsDeleted.Should().BeTrue();
        (tombstone.Email, tombstone.Phone).Should().Be((null, null));
        (await _booking.Book.HistoryAsync(Admin, id, CancellationToken.None)).History!.Select(h => h.Action).Should().Equal("create", "delete");
    }

    [Fact]
    public async Task A_day_with_more_deletions_than_one_transaction_holds_is_stripped_whole()
    {
        var ids = new List<string>();
        for (var i = 0; i < 450; i++)
        {
            var id = await _booking.BookOkAsync(BookingModuleHost.Patient($"p{i}"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3).AddMinutes(30 * i)));
            (await _booking.Book.DeleteAsync(Admin, id, null, CancellationToken.None)).Should().BeNull();
            ids.Add(id);
        }

        _booking.Clock.Advance(TimeSpan.FromDays(32));
        await Retention.PurgeOnceAsync(CancellationToken.None);

        foreach (var id in ids)
        {
            (await TombstoneAsync(id)).Email.Should().BeNull();
        }
    }

    [Fact]
    public async Task Passes_are_idempotent_and_resume_where_the_last_one_stopped()
    {
        var id = await _booking.BookOkAsync(BookingModuleHost.Patient("carol"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(2)));
        (await _booking.Book.DeleteAsync(Admin, id, null, CancellationToken.None)).Should().BeNull();
        _booking.Clock.Advance(TimeSpan.FromDays(32));

        await Task.WhenAll(Retention.PurgeOnceAsync(CancellationToken.None), Retention.PurgeOnceAsync(CancellationToken.None));
        await Retention.PurgeOnceAsync(CancellationToken.None);

        (await TombstoneAsync(id)).Email.Should().BeNull();
        (await _booking.Store.GetAsync(BookingKeys.RetentionMark("deleted-days"))).Exists.Should().BeTrue();
    }

    private async Task<string?> SlotHolderAsync(string slot) =>
        SlotHolder.Read(await _booking.Store.GetAsync(BookingKeys.Slot("dr-house", slot)))?.Id;

    private async Task<Appointment> TombstoneAsync(string id) =>
        AppointmentDocuments.Read(await _booking.Store.GetAsync(BookingKeys.Appointment(id)))!;
}
