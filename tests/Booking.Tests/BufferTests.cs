using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// A doctor's buffer (minutes kept free after every appointment) where it reaches over midnight into a day list the
/// booking does not otherwise change: two bookings it keeps apart never both land, however their writes interleave.
/// </summary>
public sealed class BufferTests : IDisposable
{
    private static readonly Caller Admin = new("admin", Caller.Admin);
    private static readonly DateTimeOffset MondayLate = new(2031, 4, 7, 23, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset TuesdayEarly = new(2031, 4, 8, 0, 0, 0, TimeSpan.Zero);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bookings_a_buffer_keeps_apart_across_midnight_never_both_land_when_one_lands_while_the_other_decides(bool lateFirst)
    {
        await WithAllDayScheduleAsync("dr-night", bufferMinutes: 30);
        var (first, second) = lateFirst ? (MondayLate, TuesdayEarly) : (TuesdayEarly, MondayLate);
        (DateTimeOffset Start, BookingError? Error)? landedBetween = null;
        _booking.Store.BeforeExecute = async operations =>
        {
            if (operations.Any(o => o.Key.StartsWith("doctor-day|dr-night|", StringComparison.Ordinal)))
            {
                // The first booking has read and decided; the second lands before its transaction reaches the store.
                _booking.Store.BeforeExecute = null;
                landedBetween = (second, await BookAsync("p-second", second));
            }
        };

        var firstError = await BookAsync("p-first", first);

        landedBetween.Should().NotBeNull();
        landedBetween!.Value.Error.Should().BeNull();
        firstError.Should().Be(BookingError.TimeTaken, "with a 30-minute buffer, 23:30–24:00 and 00:00–00:30 cannot both be held");
    }

    [Fact]
    public async Task Without_a_buffer_the_two_sides_of_midnight_both_book_and_neither_writes_the_other_day()
    {
        await WithAllDayScheduleAsync("dr-night", bufferMinutes: 0);
        await _booking.BookOkAsync(BookingModuleHost.Patient("p-late"), BookingModuleHost.At(MondayLate, "dr-night"));
        var written = new List<string>();
        _booking.Store.BeforeExecute = operations =>
        {
            written.AddRange(operations.Select(o => o.Key));
            return Task.CompletedTask;
        };

        (await BookAsync("p-early", TuesdayEarly)).Should().BeNull();
        written.Should().NotContain("doctor-day|dr-night|20310407");
    }

    private async Task<BookingError?> BookAsync(string patient, DateTimeOffset start)
    {
        var (_, error) = await _booking.Book.BookAsync(Admin, BookingModuleHost.At(start, "dr-night") with { Username = patient }, null, null, CancellationToken.None);
        return error;
    }

    private async Task WithAllDayScheduleAsync(string doctor, int bufferMinutes)
    {
        var hours = Schedule.Days.ToDictionary(day => day, IReadOnlyList<Window> (_) => [new Window(0, 24 * 60)]);
        var schedule = new Schedule(30, hours, []) { BufferMinutes = bufferMinutes };
        var error = await _booking.Services.GetRequiredService<Availability>().SaveScheduleAsync(Admin, doctor, schedule, null, CancellationToken.None);
        error.Should().BeNull();
    }
}
