using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// A replica books with the doctor's schedule it read for its last booking of that doctor, and confirms that version in
/// the write: hours changed on another replica meanwhile decide the next booking here, both ways.
/// 2031-03-03 is a Monday; the clock starts 2031-03-01 08:00 UTC.
/// </summary>
public sealed class RememberedScheduleTests : IDisposable
{
    private static readonly Caller Admin = new("the-admin", Caller.Admin);

    private readonly BookingModuleHost _here = new();
    private readonly BookingModuleHost _there;

    public RememberedScheduleTests() => _there = new BookingModuleHost(databaseFile: _here.DatabaseFile);

    public void Dispose()
    {
        _there.Dispose();
        _here.Dispose();
    }

    private static DateTimeOffset Monday(int hour) => new(2031, 3, 3, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hours_changed_on_another_replica_decide_the_next_booking_here(bool newHoursFirst)
    {
        await SaveHoursAsync(_there, from: 9, to: 12);
        (await BookAsync(_here, "p-1", Monday(9))).Should().BeNull("the doctor works from 9 to 12");

        await SaveHoursAsync(_there, from: 13, to: 17);
        var (first, second) = newHoursFirst ? (Monday(14), Monday(10)) : (Monday(10), Monday(14));
        var answers = new Dictionary<int, BookingError?>
        {
            [first.Hour] = await BookAsync(_here, "p-2", first),
            [second.Hour] = await BookAsync(_here, "p-3", second),
        };

        answers[10]!.Code.Should().Be("doctor_unavailable");
        answers[14].Should().BeNull();
    }

    [Fact]
    public async Task A_second_booking_of_a_doctor_reads_its_schedule_no_more()
    {
        await SaveHoursAsync(_there, from: 9, to: 17);
        await BookAsync(_here, "p-1", Monday(9));
        var before = _here.Store.KeysRead;
        await BookAsync(_here, "p-2", Monday(10));
        var second = _here.Store.KeysRead - before;
        _here.Services.GetRequiredService<Availability>().ForgetSchedule("dr-hours");

        before = _here.Store.KeysRead;
        await BookAsync(_here, "p-3", Monday(11));

        (_here.Store.KeysRead - before).Should().Be(second + 1, "a booking that must read the schedule reads that one key more");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hours_changed_on_another_replica_decide_the_next_move_here(bool newHoursFirst)
    {
        await SaveHoursAsync(_there, from: 9, to: 12);
        var (early, late) = (await BookIdAsync("p-1", Monday(9)), await BookIdAsync("p-2", Monday(10)));

        await SaveHoursAsync(_there, from: 13, to: 17);
        var ((first, firstTo), (second, secondTo)) = newHoursFirst ? ((early, Monday(14)), (late, Monday(11))) : ((late, Monday(11)), (early, Monday(14)));
        var answers = new Dictionary<int, BookingError?>
        {
            [firstTo.Hour] = await _here.Book.RescheduleAsync(Admin, first, firstTo, null, CancellationToken.None),
            [secondTo.Hour] = await _here.Book.RescheduleAsync(Admin, second, secondTo, null, CancellationToken.None),
        };

        answers[11]!.Code.Should().Be("doctor_unavailable");
        answers[14].Should().BeNull();
    }

    private async Task<string> BookIdAsync(string patient, DateTimeOffset start)
    {
        var (booked, error) = await _here.Book.BookAsync(BookingModuleHost.Patient(patient), BookingModuleHost.At(start, "dr-hours"), null, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }

    private static async Task SaveHoursAsync(BookingModuleHost host, int from, int to)
    {
        var hours = Schedule.Days.ToDictionary(day => day, IReadOnlyList<Window> (_) => [new Window(from * 60, to * 60)]);
        var error = await host.Services.GetRequiredService<Availability>().SaveScheduleAsync(Admin, "dr-hours", new Schedule(30, hours, []), null, CancellationToken.None);
        error.Should().BeNull();
    }

    private static async Task<BookingError?> BookAsync(BookingModuleHost host, string patient, DateTimeOffset start) =>
        (await host.Book.BookAsync(BookingModuleHost.Patient(patient), BookingModuleHost.At(start, "dr-hours"), null, null, CancellationToken.None)).Error;
}
