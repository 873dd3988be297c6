namespace Appointments.Booking.Tests;

/// <summary>Listing a patient's appointments a page at a time, from the month buckets of the user index.</summary>
public sealed class ListPageTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task Walking_the_cursor_gives_every_appointment_once_in_start_order_across_months()
    {
        var alice = BookingModuleHost.Patient("alice");
        var starts = Enumerable.Range(0, 130).Select(i => BookingModuleHost.Start.AddDays(2 + (i * 7)).AddHours(i % 5)).ToList();
        foreach (var start in starts.OrderBy(_ => Guid.NewGuid()))
        {
            await _booking.BookOkAsync(alice, BookingModuleHost.At(start));
        }

        var seen = await WalkAsync(alice, new ListFilter(), limit: 20);

        seen.Select(a => a.StartUtc).Should().Equal(starts, "pages continue where the cursor left off, over more than two years of months");
    }

    [Fact]
    public async Task A_start_range_and_a_status_filter_apply_across_month_boundaries()
    {
        var bob = BookingModuleHost.Patient("bob");
        var ids = new List<string>();
        for (var day = 0; day < 90; day += 3)
        {
            ids.Add(await _booking.BookOkAsync(bob, BookingModuleHost.At(BookingModuleHost.Start.AddDays(1 + day))));
        }

        foreach (var id in ids.Where((_, i) => i % 4 == 0))
        {
            (await _booking.Book.CancelAsync(bob, id, null, null, CancellationToken.None)).Should().BeNull();
        }

        var (from, to) = (BookingModuleHost.Start.AddDays(20), BookingModuleHost.Start.AddDays(70));
        var inRange = await WalkAsync(bob, new ListFilter(From: from, To: to), limit: 4);
        var cancelled = await WalkAsync(bob, new ListFilter(Status: AppointmentStatus.Cancelled), limit: 3);

        inRange.Should().OnlyContain(a => a.StartUtc >= from && a.StartUtc < to);
        inRange.Should().HaveCount(ids.Count - 7 - 7, "a start every third day, seven before the range and seven from its end on");
        cancelled.Select(a => a.Id).Should().Equal(ids.Where((_, i) => i % 4 == 0));
    }

    [Fact]
    public async Task Moving_an_appointment_to_another_month_moves_it_in_the_list_and_deleting_it_removes_it()
    {
        var carol = BookingModuleHost.Patient("carol");
        var moving = await _booking.BookOkAsync(carol, BookingModuleHost.At(BookingModuleHost.Start.AddDays(2)));
        var staying = await _booking.BookOkAsync(carol, BookingModuleHost.At(BookingModuleHost.Start.AddDays(40)));
        var leaving = await _booking.BookOkAsync(carol, BookingModuleHost.At(BookingModuleHost.Start.AddDays(50)));

        (await _booking.Book.RescheduleAsync(carol, moving, BookingModuleHost.Start.AddDays(100), null, CancellationToken.None)).Should().BeNull();
        (await _booking.Book.DeleteAsync(carol, leaving, null, CancellationToken.None)).Should().BeNull();

        (await WalkAsync(carol, new ListFilter(), limit: 10)).Select(a => a.Id).Should().Equal(staying, moving);
    }

    [Fact]
    public async Task A_page_reads_about_as_much_for_a_patient_with_a_thousand_appointments_as_for_one_with_twenty()
    {
        var (few, many) = (BookingModuleHost.Patient("few"), BookingModuleHost.Patient("many"));
        for (var i = 0; i < 1000; i++)
        {
            var start = BookingModuleHost.Start.AddDays(1 + (i / 2)).AddHours(9 + (i % 2));
            await _booking.BookOkAsync(many, BookingModuleHost.At(start, doctor: "dr-many"));
            if (i < 20)
            {
                await _booking.BookOkAsync(few, BookingModuleHost.At(start, doctor: "dr-few"));
            }
        }

        var forFew = await KeysReadForFirstPageAsync(few);
        var forMany = await KeysReadForFirstPageAsync(many);

        forFew.Should().BeLessThanOrEqualTo(1 + 3 + 21, "the month directory, one read of buckets, and the documents shown");
        forMany.Should().BeLessThanOrEqualTo(forFew + 3, "the same few keys, whatever else the patient has booked");
    }

    private async Task<long> KeysReadForFirstPageAsync(Caller caller)
    {
        var before = _booking.Store.KeysRead;
        var page = await _booking.Book.ListPageAsync(caller, new ListFilter(), 20, null, CancellationToken.None);
        page.Items.Should().HaveCount(20);
        return _booking.Store.KeysRead - before;
    }

    private async Task<List<Appointment>> WalkAsync(Caller caller, ListFilter filter, int limit)
    {
        var all = new List<Appointment>();
        PagePosition? after = null;
        do
        {
            var page = await _booking.Book.ListPageAsync(caller, filter, limit, after, CancellationToken.None);
            page.Items.Count.Should().BeLessThanOrEqualTo(limit);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }
}
