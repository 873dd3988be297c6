using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// A doctor's free slots and agenda are answered again from memory only while nothing they show has changed, on
/// this replica or another: asked again, they cost one key; any change of the doctor's appointments or schedule
/// shows at once.
/// </summary>
public sealed class DoctorViewsTests : IDisposable
{
    private static readonly DateOnly Monday = new(2031, 4, 7);
    private static readonly Caller Doctor = new("dr-views", Caller.Doctor);
    private static readonly Caller Admin = new("admin", Caller.Admin);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task Asked_again_with_nothing_changed_slots_and_agenda_read_only_the_doctors_version()
    {
        await WithScheduleAsync(_booking);
        await BookAsync(_booking, 10);
        await SlotsAsync(_booking);
        await AgendaAsync(_booking);

        var before = _booking.Store.KeysRead;
        await SlotsAsync(_booking);
        await AgendaAsync(_booking);

        (_booking.Store.KeysRead - before).Should().Be(2, "one version read for each");
    }

    [Fact]
    public async Task A_change_that_keeps_the_time_shows_in_the_agenda_at_once()
    {
        var id = await BookAsync(_booking, 10);
        (await AgendaAsync(_booking)).Single().Phone.Should().BeNull();

        var error = await _booking.Book.UpdateAsync(Admin, id, new AppointmentChanges { Phone = new Optional<string?>("+15555550100") }, null, CancellationToken.None);

        error.Should().BeNull();
        (await AgendaAsync(_booking)).Single().Phone.Should().Be("+15555550100");
    }

    [Fact]
    public async Task A_booking_a_cancel_and_a_new_schedule_show_in_the_free_slots_at_once()
    {
        await WithScheduleAsync(_booking);
        var all = await SlotsAsync(_booking);

        var id = await BookAsync(_booking, 10);
        (await SlotsAsync(_booking)).Should().HaveCount(all.Count - 1);

        (await _booking.Book.CancelAsync(Admin, id, null, null, CancellationToken.None)).Should().BeNull();
        (await SlotsAsync(_booking)).Should().HaveCount(all.Count);

        await WithScheduleAsync(_booking, lastHour: 12);
        (await SlotsAsync(_booking)).Should().HaveCount(6, "09:00 to 12:00 in half hours");
    }

    [Fact]
    public async Task A_change_made_through_another_replica_shows_here_at_once()
    {
        using var other = new BookingModuleHost(databaseFile: _booking.DatabaseFile);
        await WithScheduleAsync(_booking);
        (await AgendaAsync(_booking)).Should().BeEmpty();
        var slots = await SlotsAsync(_booking);

        await BookAsync(other, 10);

        (await AgendaAsync(_booking)).Should().ContainSingle();
        (await SlotsAsync(_booking)).Should().HaveCount(slots.Count - 1);
    }

    [Fact]
    public async Task Free_slots_follow_the_clock_past_the_minimum_notice()
    {
        await WithScheduleAsync(_booking);
        var now = _booking.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var before = await SlotsAsync(_booking, today);

        _booking.Clock.Advance(TimeSpan.FromHours(1));

        var after = await SlotsAsync(_booking, today);
        before.Should().NotBeEmpty();
        after.Should().HaveCount(before.Count - 2, "an hour later the next two half-hour slots are inside the minimum notice");
    }

    [Fact]
    public async Task Views_that_would_hold_too_many_slots_are_all_dropped_and_computed_again()
    {
        // Around the clock in 5-minute slots: 31 days is ~8,900 slots, so a dozen such views pass the bound.
        await WithScheduleAsync(_booking, firstHour: 0, lastHour: 24, slotMinutes: 5);
        var availability = _booking.Services.GetRequiredService<Availability>();
        var first = Monday.AddDays(-30);
        await availability.FreeSlotsAsync(Doctor.Username, first, Monday, CancellationToken.None);
        var before = _booking.Store.KeysRead;
        await availability.FreeSlotsAsync(Doctor.Username, first, Monday, CancellationToken.None);
        (_booking.Store.KeysRead - before).Should().Be(1, "kept");

        for (var shift = 1; shift <= DoctorViews.MaxWeight / (31 * 24 * 12); shift++)
        {
            await availability.FreeSlotsAsync(Doctor.Username, first.AddDays(shift), Monday.AddDays(shift), CancellationToken.None);
        }

        before = _booking.Store.KeysRead;
        await availability.FreeSlotsAsync(Doctor.Username, first, Monday, CancellationToken.None);
        (_booking.Store.KeysRead - before).Should().BeGreaterThan(1, "dropped with the rest once the views held too many slots");
    }

    private static async Task WithScheduleAsync(BookingModuleHost host, int firstHour = 9, int lastHour = 17, int slotMinutes = 30)
    {
        var hours = Schedule.Days.ToDictionary(day => day, IReadOnlyList<Window> (_) => [new Window(firstHour * 60, lastHour * 60)]);
        var error = await host.Services.GetRequiredService<Availability>().SaveScheduleAsync(Admin, Doctor.Username, new Schedule(slotMinutes, hours, []), null, CancellationToken.None);
        error.Should().BeNull();
    }

    private static Task<string> BookAsync(BookingModuleHost host, int hour) =>
        host.BookOkAsync(BookingModuleHost.Patient($"p-{hour}"),
            BookingModuleHost.At(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero), Doctor.Username));

    private static async Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> SlotsAsync(BookingModuleHost host, DateOnly? day = null)
    {
        var (slots, error) = (await host.Services.GetRequiredService<Availability>().FreeSlotsAsync(Doctor.Username, day ?? Monday, day ?? Monday, CancellationToken.None)).Value;
        error.Should().BeNull();
        return slots!;
    }

    private static async Task<IReadOnlyList<Appointment>> AgendaAsync(BookingModuleHost host)
    {
        var (agenda, error) = await host.Services.GetRequiredService<Availability>().AgendaAsync(Doctor, Doctor.Username, Monday, CancellationToken.None);
        error.Should().BeNull();
        return agenda!.Value;
    }
}
