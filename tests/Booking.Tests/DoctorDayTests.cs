using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// The doctor's day lists, which the free-slot search and the agenda read: what they cost does not depend on what
/// the doctor has booked on other days.
/// </summary>
public sealed class DoctorDayTests : IDisposable
{
    private static readonly DateOnly Monday = new(2031, 4, 7);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private Availability Availability => _booking.Services.GetRequiredService<Availability>();

    [Fact]
    public async Task A_week_of_free_slots_reads_the_schedule_and_one_key_a_day_however_busy_the_doctor_is_on_other_days()
    {
        await WithScheduleAsync("dr-quiet");
        await WithScheduleAsync("dr-busy");
        await BookWeekAsync("dr-quiet", Monday);
        await BookWeekAsync("dr-busy", Monday);
        for (var week = 1; week <= 40; week++)
        {
            await BookWeekAsync("dr-busy", Monday.AddDays(7 * week));
        }

        var (quietSlots, quietKeys) = await SlotsAsync("dr-quiet");
        var (busySlots, busyKeys) = await SlotsAsync("dr-busy");

        busySlots.Should().Equal(quietSlots).And.NotBeEmpty();
        quietKeys.Should().Be(1 + 7, "the schedule and the seven days' lists");
        busyKeys.Should().Be(quietKeys, "appointments on other days are in other keys");
    }

    [Fact]
    public async Task An_agenda_reads_its_day_and_that_days_documents_only()
    {
        await BookWeekAsync("dr-agenda", Monday);
        for (var week = 1; week <= 20; week++)
        {
            await BookWeekAsync("dr-agenda", Monday.AddDays(7 * week));
        }

        var before = _booking.Store.KeysRead;
        var (agenda, error) = await Availability.AgendaAsync(new Caller("dr-agenda", Caller.Doctor), "dr-agenda", Monday, Monday, CancellationToken.None);
        var keys = _booking.Store.KeysRead - before;

        error.Should().BeNull();
        agenda!.Select(a => a.StartUtc).Should().BeInAscendingOrder().And.HaveCount(5);
        keys.Should().Be(1 + 5, "the day's list and its five documents");
    }

    private async Task WithScheduleAsync(string doctor)
    {
        var hours = new Dictionary<string, IReadOnlyList<Window>>
        {
            ["monday"] = [new Window(9 * 60, 17 * 60)],
            ["wednesday"] = [new Window(9 * 60, 17 * 60)],
            ["friday"] = [new Window(9 * 60, 12 * 60)],
        };
        var error = await Availability.SaveScheduleAsync(new Caller("admin", Caller.Admin), doctor, new Schedule(30, hours, []), null, CancellationToken.None);
        error.Should().BeNull();
    }

    /// <summary>Five visits on the Monday of <paramref name="monday"/>'s week, out of order.</summary>
    private async Task BookWeekAsync(string doctor, DateOnly monday)
    {
        foreach (var hour in new[] { 15, 9, 11, 10, 14 })
        {
            var start = new DateTimeOffset(monday.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);
            await _booking.BookOkAsync(BookingModuleHost.Patient($"p-{doctor}-{monday:yyyyMMdd}-{hour}"), BookingModuleHost.At(start, doctor));
        }
    }

    private async Task<(IReadOnlyList<(DateTimeOffset, DateTimeOffset)> Slots, long Keys)> SlotsAsync(string doctor)
    {
        var before = _booking.Store.KeysRead;
        var (slots, error) = await Availability.FreeSlotsAsync(doctor, Monday, Monday.AddDays(6), null, CancellationToken.None);
        error.Should().BeNull();
        return (slots!, _booking.Store.KeysRead - before);
    }
}
