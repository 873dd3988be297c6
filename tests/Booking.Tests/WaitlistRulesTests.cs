using Appointments.Booking.Waitlist;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// The waitlist's limits in time (API.md, "Waitlist"): an entry whose last day has passed has ended and no longer
/// counts towards the patient's five, and only a time the patient could still book when the hold ends is offered.
/// The clock starts 2031-03-01 08:00 UTC.
/// </summary>
public sealed class WaitlistRulesTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    private WaitlistDesk Desk => _booking.Services.GetRequiredService<WaitlistDesk>();

    [Fact]
    public async Task An_entry_whose_last_day_has_passed_is_expired_and_leaves_room_for_another()
    {
        var today = DateOnly.FromDateTime(BookingModuleHost.Start.UtcDateTime);
        for (var i = 0; i < 5; i++)
        {
            (await JoinAsync(today, i == 0 ? today : today.AddDays(30))).Should().BeNull();
        }

        (await JoinAsync(today.AddDays(1), today.AddDays(2)))!.Code.Should().Be("too_many_active");
        _booking.Clock.Advance(TimeSpan.FromDays(1));

        (await JoinAsync(today.AddDays(1), today.AddDays(2))).Should().BeNull("the entry for yesterday has ended");
        var (entries, _) = await Desk.ListAsync(BookingModuleHost.Patient("wendy"), null, CancellationToken.None);
        entries!.Select(e => e.StatusOn(today.AddDays(1))).Should().Equal([WaitlistStatus.Expired, .. Enumerable.Repeat(WaitlistStatus.Waiting, 5)]);
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(75, true)]
    public async Task Only_a_time_at_least_the_notice_and_the_hold_ahead_is_offered(int minutesAhead, bool offered)
    {
        var start = BookingModuleHost.Start.AddMinutes(minutesAhead);
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        (await JoinAsync(day, day)).Should().BeNull();
        var id = await _booking.BookOkAsync(BookingModuleHost.Patient("carl"), BookingModuleHost.At(start));
        (await _booking.Book.CancelAsync(new Caller("admin", Caller.Admin), id, null, null, CancellationToken.None)).Should().BeNull();

        var outcome = await _booking.Services.GetRequiredService<WaitlistOffers>().SettleAsync("dr-house", start, null, CancellationToken.None);

        outcome.Should().Be(offered ? OfferOutcome.Offered : OfferOutcome.Unchanged,
            "an hour's notice and a 15-minute hold: a patient offered a time sooner could not book it by the time the hold ends");
    }

    [Fact]
    public async Task A_time_goes_to_the_oldest_entry_still_waiting_however_many_ahead_of_it_hold_offers_even_past_the_queues_head()
    {
        var first = new DateTimeOffset(2031, 3, 10, 8, 0, 0, TimeSpan.Zero);
        var day = DateOnly.FromDateTime(first.UtcDateTime);
        var entries = new List<string>();
        for (var i = 0; i < 80; i++)
        {
            var (id, error) = await Desk.JoinAsync(BookingModuleHost.Patient($"p{i:D2}"), new WaitlistRequest("dr-house", day, day.AddDays(2)) { Email = "p@example.com" }, CancellationToken.None);
            error.Should().BeNull();
            entries.Add(id!);
        }

        for (var i = 0; i < 70; i++)
        {
            var start = first.AddMinutes(30 * i);
            var id = await _booking.BookOkAsync(BookingModuleHost.Patient("carl"), BookingModuleHost.At(start));
            (await _booking.Book.CancelAsync(new Caller("admin", Caller.Admin), id, null, null, CancellationToken.None)).Should().BeNull();
            (await _booking.Services.GetRequiredService<WaitlistOffers>().SettleAsync("dr-house", start, null, CancellationToken.None))
                .Should().Be(OfferOutcome.Offered, "entry {0} waits, behind {0} that hold offers", i);
        }

        var (listed, _) = await Desk.ListAsync(new Caller("admin", Caller.Admin), "dr-house", CancellationToken.None);
        listed!.Select(e => e.Status).Should().Equal([.. Enumerable.Repeat(WaitlistStatus.Offered, 70), .. Enumerable.Repeat(WaitlistStatus.Waiting, 10)]);
        listed!.Select(e => e.Id).Should().Equal(entries, "first come, first served");
    }

    private async Task<BookingError?> JoinAsync(DateOnly from, DateOnly to) =>
        (await Desk.JoinAsync(BookingModuleHost.Patient("wendy"), new WaitlistRequest("dr-house", from, to) { Email = "wendy@example.com" }, CancellationToken.None)).Error;
}
