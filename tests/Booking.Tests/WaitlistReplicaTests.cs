using Appointments.Booking.Storage;
using Appointments.Booking.Waitlist;
using Appointments.BuildingBlocks.State;
using Appointments.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Booking.Tests;

/// <summary>
/// The waitlist across replicas (issue: "exactly once"): two hosts on one SQLite file settle the same freed time at
/// once and one offer is made; a host that dies while its offer is pending leaves a hold that still expires and moves
/// on, ended by the other. 2031-03-10 is a Monday; the clocks start 2031-03-01 08:00 UTC.
/// </summary>
public sealed class WaitlistReplicaTests : IDisposable
{
    private static readonly DateTimeOffset Freed = new(2031, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _shared = new();
    private readonly BookingModuleHost _here;
    private readonly BookingModuleHost _there;

    public WaitlistReplicaTests()
    {
        // The file outlives either host: one of them dies mid-test.
        _here = new BookingModuleHost(databaseFile: _shared.File("clinic.db"));
        _there = new BookingModuleHost(databaseFile: _here.DatabaseFile);
    }

    public void Dispose()
    {
        _there.Dispose();
        _here.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _shared.Dispose();
    }

    [Fact]
    public async Task Two_replicas_settling_one_freed_time_at_once_offer_it_once()
    {
        var (first, second) = (await JoinAsync(_here, "wendy"), await JoinAsync(_here, "tom"));
        await FreeAsync();

        // Both read before either writes: each decides to offer the time to wendy, and the store lets one of them.
        using var bothRead = new Barrier(2);
        foreach (var host in new[] { _here, _there })
        {
            host.Store.BeforeExecute = _ =>
            {
                bothRead.SignalAndWait(TimeSpan.FromSeconds(10));
                host.Store.BeforeExecute = null;
                return Task.CompletedTask;
            };
        }

        var outcomes = await Task.WhenAll(
            Task.Run(() => Offers(_here).SettleAsync("dr-house", Freed, null, CancellationToken.None)),
            Task.Run(() => Offers(_there).SettleAsync("dr-house", Freed, null, CancellationToken.None)));

        outcomes.Should().BeEquivalentTo([OfferOutcome.Offered, OfferOutcome.Unchanged]);
        (await EntryAsync(first)).Status.Should().Be(WaitlistStatus.Offered);
        (await EntryAsync(second)).Status.Should().Be(WaitlistStatus.Waiting, "one freed time, one offer");
        (await HoldsAsync()).Should().ContainSingle().Which.Id.Should().Be(first);
    }

    [Fact]
    public async Task A_hold_whose_replica_died_still_expires_and_goes_to_the_next_entry()
    {
        var (first, second) = (await JoinAsync(_here, "wendy"), await JoinAsync(_here, "tom"));
        await FreeAsync();
        (await Offers(_here).SettleAsync("dr-house", Freed, null, CancellationToken.None)).Should().Be(OfferOutcome.Offered);
        _here.Dispose();

        _there.Clock.Advance(TimeSpan.FromMinutes(16));
        await _there.Services.GetRequiredService<Contracts.IAppointmentEvents>().PendingAsync(10);

        (await EntryAsync(first)).Status.Should().Be(WaitlistStatus.Expired);
        var next = await EntryAsync(second);
        next.Status.Should().Be(WaitlistStatus.Offered);
        next.Offer!.ExpiresAt.Should().Be(_there.Clock.GetUtcNow().AddMinutes(15));
        (await HoldsAsync()).Should().ContainSingle().Which.Id.Should().Be(second);
    }

    [Fact]
    public async Task Settling_a_freed_time_again_changes_nothing()
    {
        var (first, second) = (await JoinAsync(_here, "wendy"), await JoinAsync(_here, "tom"));
        await FreeAsync();

        var outcomes = new List<OfferOutcome>();
        foreach (var host in new[] { _here, _there, _here })
        {
            outcomes.Add(await Offers(host).SettleAsync("dr-house", Freed, null, CancellationToken.None));
        }

        outcomes.Should().Equal(OfferOutcome.Offered, OfferOutcome.Unchanged, OfferOutcome.Unchanged);
        (await EntryAsync(second)).Status.Should().Be(WaitlistStatus.Waiting);
        (await HoldsAsync()).Should().ContainSingle().Which.Id.Should().Be(first);
    }

    private static WaitlistOffers Offers(BookingModuleHost host) => host.Services.GetRequiredService<WaitlistOffers>();

    private static async Task<string> JoinAsync(BookingModuleHost host, string username)
    {
        var day = DateOnly.FromDateTime(Freed.UtcDateTime);
        var (id, error) = await host.Services.GetRequiredService<WaitlistDesk>().JoinAsync(
            BookingModuleHost.Patient(username), new WaitlistRequest("dr-house", day, day) { Email = $"{username}@example.com" }, CancellationToken.None);
        error.Should().BeNull();
        return id!;
    }

    /// <summary>Books the time and cancels it: freed, and not yet offered (the outbox is not read here).</summary>
    private async Task FreeAsync()
    {
        var id = await _here.BookOkAsync(BookingModuleHost.Patient("carl"), BookingModuleHost.At(Freed));
        (await _here.Book.CancelAsync(new Caller("admin", Caller.Admin), id, null, null, CancellationToken.None)).Should().BeNull();
    }

    private async Task<WaitlistEntry> EntryAsync(string id) =>
        WaitlistEntry.Read(await _there.Store.GetAsync(BookingKeys.WaitlistEntry(id)))!;

    private async Task<List<DayEntry>> HoldsAsync() =>
        DayList.Read(await _there.Store.GetAsync(BookingKeys.DoctorDay("dr-house", DateOnly.FromDateTime(Freed.UtcDateTime)))).Where(e => e.IsHold).ToList();
}
