using Appointments.TestSupport;

namespace Appointments.Booking.Tests;

/// <summary>
/// What a booking, a cancel and a move really write, read from the SQLite file afterwards: a handful of keys, only ones
/// that compete with the change itself, and as many bytes in a big store as in a small one.
/// </summary>
public sealed class StoreLayoutTests : IDisposable
{
    private static readonly Caller Admin = new("the-admin", Caller.Admin);

    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private static DateTimeOffset Day(int days, int hour) => BookingModuleHost.Start.Date.AddDays(days).AddHours(hour);

    [Fact]
    public async Task A_booking_writes_its_document_history_event_and_the_lists_of_its_doctors_day_its_patient_and_their_month()
    {
        await SeedAsync(_booking, patients: 50, doctors: 10);

        var written = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("p-1"), BookingModuleHost.At(Day(40, 9), "dr-1")));

        written.Keys.Select(Kind).Order().Should().Equal("appointment", "doctor-day", "history", "outbox", "patient", "patient-month");
    }

    [Fact]
    public async Task With_a_slot_an_idempotency_key_and_a_visit_across_midnight_a_booking_still_writes_at_most_ten_keys()
    {
        await SeedAsync(_booking, patients: 50, doctors: 10);
        var request = BookingModuleHost.At(Day(40, 23), "dr-1") with { Slot = "late-1", DurationMinutes = 90, Username = "p-1" };

        var written = await WrittenByAsync(() => _booking.Book.BookAsync(Admin, request, "key-1", null, CancellationToken.None));

        written.Keys.Select(Kind).Order().Should().Equal(
            "appointment", "doctor-day", "doctor-day", "doctor-slot", "history", "idempotency", "outbox", "patient", "patient-month");
    }

    [Fact]
    public async Task A_cancel_and_a_move_to_another_month_write_about_as_many()
    {
        await SeedAsync(_booking, patients: 50, doctors: 10);
        var alice = BookingModuleHost.Patient("alice");
        var id = await _booking.BookOkAsync(alice, BookingModuleHost.At(Day(40, 9), "dr-1") with { Slot = "s-1" });

        var moved = await WrittenByAsync(() => _booking.Book.RescheduleAsync(alice, id, Day(75, 10), null, CancellationToken.None));
        var (cancelled, deleted) = await ChangedByAsync(() => _booking.Book.CancelAsync(alice, id, null, null, CancellationToken.None));

        moved.Keys.Select(Kind).Order().Should().Equal(
            "appointment", "doctor-day", "doctor-day", "doctor-slot", "history", "outbox", "patient", "patient-month", "patient-month");
        cancelled.Keys.Select(Kind).Order().Should().Equal("appointment", "doctor-day", "history", "outbox", "patient", "patient-month");
        deleted.Select(Kind).Should().Equal("doctor-slot");
    }

    [Fact]
    public async Task Bookings_of_one_doctor_on_other_days_and_of_the_clinic_on_one_day_share_no_key_they_write()
    {
        await SeedAsync(_booking, patients: 50, doctors: 10);

        var monday = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("a"), BookingModuleHost.At(Day(40, 9), "dr-1")));
        var tuesday = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("b"), BookingModuleHost.At(Day(41, 9), "dr-1")));
        var otherDoctor = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("c"), BookingModuleHost.At(Day(40, 9), "dr-2")));

        monday.Keys.Intersect(tuesday.Keys).Should().BeEmpty();
        monday.Keys.Intersect(otherDoctor.Keys).Should().BeEmpty();
    }

    [Fact]
    public async Task A_booking_writes_as_many_bytes_in_a_store_four_times_as_big()
    {
        using var small = new BookingModuleHost();
        using var big = new BookingModuleHost();
        await SeedAsync(small, patients: 100, doctors: 10);
        await SeedAsync(big, patients: 400, doctors: 40);

        // The same neighbourhood in both: the doctor's day and the patient's month as full as each other.
        var bytes = new List<int>();
        foreach (var host in new[] { small, big })
        {
            var before = new SqliteFile(host.DatabaseFile).Keys();
            await host.BookOkAsync(BookingModuleHost.Patient("p-3"), BookingModuleHost.At(Day(20, 19), "dr-3"));
            bytes.Add(SqliteFile.Written(before, new SqliteFile(host.DatabaseFile).Keys()).Values.Sum());
        }

        bytes[1].Should().BeInRange(bytes[0] - 16, bytes[0] + 16);
    }

    [Fact]
    public async Task A_booking_writes_as_many_bytes_for_a_patient_with_a_hundred_visits_ahead_as_for_one_with_seven_in_the_same_months()
    {
        // One visit in each of seven months for "few", a hundred in those months for "many"; nothing in the booked month.
        static DateTimeOffset Ahead(int k) => Day(45 + (k % 7 * 30) + (k / 7), 9);
        for (var k = 0; k < 100; k++)
        {
            await _booking.BookOkAsync(BookingModuleHost.Patient("many"), BookingModuleHost.At(Ahead(k), $"dr-m{k:D2}"));
            if (k < 7)
            {
                await _booking.BookOkAsync(BookingModuleHost.Patient("fewa"), BookingModuleHost.At(Ahead(k), $"dr-f{k:D2}"));
            }
        }

        var few = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("fewa"), BookingModuleHost.At(Day(20, 19), "dr-x1")));
        var many = await WrittenByAsync(() => _booking.BookOkAsync(BookingModuleHost.Patient("many"), BookingModuleHost.At(Day(20, 19), "dr-x2")));

        many.Values.Sum().Should().BeInRange(few.Values.Sum() - 16, few.Values.Sum() + 16);
    }

    [Fact]
    public async Task A_booking_of_a_busy_day_dirties_a_few_pages_of_the_file()
    {
        // A doctor's day of forty visits: the day list a booking rewrites as long as a busy clinic makes it.
        for (var visit = 0; visit < 40; visit++)
        {
            await _booking.BookOkAsync(BookingModuleHost.Patient($"p-{visit}"), BookingModuleHost.At(Day(20, 0).AddMinutes(30 * visit), "dr-busy"));
        }

        // Five more bookings of that day, each measured alone; the median, because how many pages one booking touches
        // varies with where its rows and index entries fall (now and then a page splits).
        var file = new SqliteFile(_booking.DatabaseFile);
        var pages = new List<int>();
        for (var visit = 40; visit < 45; visit++)
        {
            var before = file.Pages();
            await _booking.BookOkAsync(BookingModuleHost.Patient($"p-{visit}"), BookingModuleHost.At(Day(20, 0).AddMinutes(30 * visit), "dr-busy"));
            pages.Add(SqliteFile.Changed(before, file.Pages()));
        }

        pages.Order().ElementAt(2).Should().BeLessThanOrEqualTo(8, "a booking rewrites its lists in their pages and appends its new rows side by side ({0})", string.Join(", ", pages));
    }

    /// <summary>
    /// <paramref name="patients"/> patients with four appointments each, spread over <paramref name="doctors"/> doctors and
    /// the next month: every doctor's day and every patient's month about as full whatever the size of the clinic.
    /// </summary>
    private static async Task SeedAsync(BookingModuleHost host, int patients, int doctors)
    {
        for (var p = 0; p < patients; p++)
        {
            for (var visit = 0; visit < 4; visit++)
            {
                var start = BookingModuleHost.Start.Date.AddDays(10 + (visit * 7) + (p % 5)).AddHours(8 + ((p / doctors) % 10));
                await host.BookOkAsync(BookingModuleHost.Patient($"p-{p}"), BookingModuleHost.At(start, $"dr-{p % doctors}"));
            }
        }
    }

    private Task<IReadOnlyDictionary<string, int>> WrittenByAsync<T>(Func<Task<T>> change) => WrittenByAsync(_booking, change);

    private static async Task<IReadOnlyDictionary<string, int>> WrittenByAsync<T>(BookingModuleHost host, Func<Task<T>> change)
    {
        var before = new SqliteFile(host.DatabaseFile).Keys();
        await change();
        return SqliteFile.Written(before, new SqliteFile(host.DatabaseFile).Keys());
    }

    private async Task<(IReadOnlyDictionary<string, int> Written, IReadOnlyList<string> Deleted)> ChangedByAsync<T>(Func<Task<T>> change)
    {
        var before = new SqliteFile(_booking.DatabaseFile).Keys();
        await change();
        var after = new SqliteFile(_booking.DatabaseFile).Keys();
        return (SqliteFile.Written(before, after), SqliteFile.Deleted(before, after));
    }

    /// <summary>What a key is, without what it is of: <c>appointment|…|history|1</c> is a history record.</summary>
    private static string Kind(string key)
    {
        var parts = key.Split('|');
        return parts[0] == "appointment" && parts.Length > 2 ? parts[2] : parts[0];
    }
}
