using Appointments.Booking.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>What retention purges, and that it never takes what another appointment holds.</summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly Caller Admin = new("the-admin", Caller.Admin);
    private static readonly Caller Doctor = new("dr-house", Caller.Doctor);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private Retention Retention => _booking.Services.GetRequiredService<Retention>();

    [Fact]
    public async Task An_appointment_nobody_closed_gives_its_slot_and_time_back_two_days_after_its_start()
    {
        var alice = BookingModuleHost.Patient("alice");
        var start = _booking.Clock.GetUtcNow().AddHours(2);
        var id = await _booking.BookOkAsync(alice, BookingModuleHost.At(start) with { Slot = "slot-1" });
        _booking.Clock.Advance(TimeSpan.FromDays(1));
        await Retention.PurgeOnceAsync(CancellationToken.None);
        var beforeTwoDays = await SlotHolderAsync("slot-1");
        _booking.Clock.Advance(TimeSpan.FromDays(2));

        await Retention.PurgeOnceAsync(CancellationToken.None);

        beforeTwoDays.Should().Be(id);
        (await SlotHolderAsync("slot-1")).Should().BeNull();
        (await _booking.Store.GetAsync(BookingKeys.Cells(Appointment(id, start)).First())).Exists.Should().BeFalse();
        var (stored, _, _) = await _booking.Book.ReadAsync(alice, id, CancellationToken.None);
        stored!.Appointment.Status.Should().Be("scheduled", "retention frees what the appointment held, not its record");
    }

    [Fact]
    public async Task Closing_an_appointment_after_retention_leaves_the_slot_to_whoever_holds_it_now()
    {
        var first = await _booking.BookOkAsync(BookingModuleHost.Patient("alice"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddHours(2)) with { Slot = "slot-2" });
        _booking.Clock.Advance(TimeSpan.FromDays(3));
        await Retention.PurgeOnceAsync(CancellationToken.None);
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
    public async Task Passes_are_idempotent_and_resume_where_the_last_one_stopped()
    {
        var id = await _booking.BookOkAsync(BookingModuleHost.Patient("carol"), BookingModuleHost.At(_booking.Clock.GetUtcNow().AddHours(2)) with { Slot = "slot-3" });
        _booking.Clock.Advance(TimeSpan.FromDays(3));

        await Task.WhenAll(Retention.PurgeOnceAsync(CancellationToken.None), Retention.PurgeOnceAsync(CancellationToken.None));
        await Retention.PurgeOnceAsync(CancellationToken.None);

        (await SlotHolderAsync("slot-3")).Should().BeNull();
        (await _booking.Store.GetAsync(BookingKeys.RetentionMark("past-hours"))).Exists.Should().BeTrue();
        id.Should().NotBeNull();
    }

    private async Task<string?> SlotHolderAsync(string slot)
    {
        var entry = await _booking.Store.GetAsync(BookingKeys.Slot("dr-house", slot));
        return entry.Value is null ? null : System.Text.Json.JsonSerializer.Deserialize(entry.Value, StorageJson.Default.String);
    }

    private async Task<Appointment> TombstoneAsync(string id)
    {
        var entry = await _booking.Store.GetAsync(BookingKeys.Appointment(id));
        return System.Text.Json.JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Appointment)!;
    }

    private static Appointment Appointment(string id, DateTimeOffset start) => new()
    {
        Id = id,
        Username = "alice",
        Doctor = "dr-house",
        StartUtc = start,
        DurationMinutes = 30,
        Status = "scheduled",
        ReminderMethod = "email",
        CreatedAt = start,
        UpdatedAt = start,
    };
}
