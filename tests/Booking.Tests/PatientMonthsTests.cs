namespace Appointments.Booking.Tests;

/// <summary>
/// A patient's overlap and their cap on appointments ahead, decided from their month lists and the per-month counts of
/// their record: right at a month's edge, after time passes and after a cancel. 2031-03-01 08:00 UTC is the clock's start.
/// </summary>
public sealed class PatientMonthsTests : IDisposable
{
    private readonly BookingModuleHost _booking = new(new Dictionary<string, string?> { ["Booking:MaxActivePerPatient"] = "3" });

    public void Dispose() => _booking.Dispose();

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2031, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_visit_crossing_into_the_next_month_keeps_the_patient_busy_there()
    {
        (await BookAsync("alice", At(3, 31, 23), "dr-a", minutes: 120)).Should().BeNull();

        var error = await BookAsync("alice", At(4, 1, 0, 30), "dr-b");

        error!.Code.Should().Be("patient_busy");
    }

    [Fact]
    public async Task The_cap_counts_the_visits_ahead_in_every_month_and_a_cancel_gives_a_place_back()
    {
        await BookOkAsync("bob", At(3, 20, 9), "dr-a");
        var april = await BookOkAsync("bob", At(4, 20, 9), "dr-a");
        await BookOkAsync("bob", At(6, 20, 9), "dr-a");

        var fourth = await BookAsync("bob", At(7, 20, 9), "dr-a");
        (await _booking.Book.CancelAsync(BookingModuleHost.Patient("bob"), april, null, null, CancellationToken.None)).Should().BeNull();
        var afterCancel = await BookAsync("bob", At(7, 20, 9), "dr-a");

        fourth!.Code.Should().Be("too_many_active");
        afterCancel.Should().BeNull();
    }

    [Fact]
    public async Task Visits_of_this_month_that_have_passed_no_longer_count()
    {
        await BookOkAsync("carol", At(3, 2, 9), "dr-a");
        await BookOkAsync("carol", At(3, 3, 9), "dr-a");
        await BookOkAsync("carol", At(4, 3, 9), "dr-a");
        var whileAhead = await BookAsync("carol", At(5, 3, 9), "dr-a");

        _booking.Clock.SetUtcNow(At(3, 4, 8));
        var oncePassed = await BookAsync("carol", At(5, 3, 9), "dr-a");

        whileAhead!.Code.Should().Be("too_many_active");
        oncePassed.Should().BeNull();
    }

    private async Task<BookingError?> BookAsync(string patient, DateTimeOffset start, string doctor, int minutes = 30)
    {
        var request = BookingModuleHost.At(start, doctor) with { DurationMinutes = minutes };
        return (await _booking.Book.BookAsync(BookingModuleHost.Patient(patient), request, null, null, CancellationToken.None)).Error;
    }

    private async Task<string> BookOkAsync(string patient, DateTimeOffset start, string doctor)
    {
        var (booked, error) = await _booking.Book.BookAsync(BookingModuleHost.Patient(patient), BookingModuleHost.At(start, doctor), null, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }
}
