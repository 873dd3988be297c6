using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Tests;

/// <summary>
/// A booking of a doctor's day planned while another booking of that day is still committing on this replica plans on
/// the list that one leaves, so it commits right after it instead of failing on the old list and starting over; and it
/// is never refused for a booking that has not committed, nor left holding the time of one that failed. Each
/// transaction here waits its turn and then takes <see cref="Commit"/>, as a busy store's commits do, so the second
/// booking plans while the first is on its way.
/// </summary>
public sealed class QueuedDayListTests : IDisposable
{
    private static readonly TimeSpan Commit = TimeSpan.FromMilliseconds(500);
    private static readonly DateTimeOffset Monday = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly BookingModuleHost _booking = new();
    private readonly object _gate = new();
    private Task _lastCommit = Task.CompletedTask;
    private int _dayTransactions;

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task A_booking_planned_while_another_of_the_day_commits_lands_with_its_first_transaction()
    {
        await _booking.BookOkAsync(BookingModuleHost.Patient("p-early"), BookingModuleHost.At(Monday));
        var firstQueued = SlowCommits(() => Task.CompletedTask);

        var first = BookAsync("p-first", Monday.AddHours(1));
        await firstQueued;
        var second = BookAsync("p-second", Monday.AddHours(2));

        (await first).Should().BeNull();
        (await second).Should().BeNull();
        _dayTransactions.Should().Be(2, "the second booking wrote behind the first instead of failing on the list it replaced");
    }

    [Fact]
    public async Task A_booking_is_not_refused_for_a_booking_of_its_time_that_then_fails()
    {
        await _booking.BookOkAsync(BookingModuleHost.Patient("p-early"), BookingModuleHost.At(Monday));
        var firstQueued = SlowCommits(() => throw new StateStoreUnavailableException("The store went away during the commit."));

        var first = BookAsync("p-first", Monday.AddHours(1));
        await firstQueued;
        var second = await BookAsync("p-second", Monday.AddHours(1));

        Func<Task> firstBooking = () => first;
        await firstBooking.Should().ThrowAsync<StateStoreUnavailableException>();
        second.Should().BeNull("the time is free: the booking that would have taken it failed");
    }

    [Fact]
    public async Task A_booking_queued_behind_one_the_store_then_refuses_lands_and_that_ones_time_stays_free()
    {
        await _booking.BookOkAsync(BookingModuleHost.Patient("p-early"), BookingModuleHost.At(Monday));
        using var otherReplica = new BookingModuleHost(databaseFile: _booking.DatabaseFile);

        // While the first booking is on its way, its patient books that hour with another doctor on another replica.
        var firstQueued = SlowCommits(() => otherReplica.BookOkAsync(BookingModuleHost.Patient("p-first"), BookingModuleHost.At(Monday.AddHours(1), "dr-other")));
        var first = BookAsync("p-first", Monday.AddHours(1));
        await firstQueued;
        var second = BookAsync("p-second", Monday.AddHours(2));

        (await first).Should().Be(BookingError.PatientBusy);
        (await second).Should().BeNull("it was planned on the refused booking's list, failed with it and planned again");
        _booking.Store.BeforeExecute = null;
        (await BookAsync("p-third", Monday.AddHours(1))).Should().BeNull("the refused booking never held its time");
    }

    /// <summary>
    /// From now on, transactions reach the store one after another in the order they were sent, each after
    /// <see cref="Commit"/>; the first of the day runs <paramref name="first"/> before it reaches the store. The task ends
    /// once the first is on its way and its writer has shown its lists.
    /// </summary>
    private Task SlowCommits(Func<Task> first)
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _booking.Store.BeforeExecute = operations =>
        {
            Task turn;
            lock (_gate)
            {
                var number = operations.Any(o => o.Key.StartsWith("doctor-day|", StringComparison.Ordinal)) ? ++_dayTransactions : 0;
                turn = TakeTurnAsync(_lastCommit, number == 1 ? first : null);
                _lastCommit = turn.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            queued.TrySetResult();
            return turn;
        };

        // The writer shows its lists right after handing the transaction over: long before its commit.
        return queued.Task.ContinueWith(_ => Task.Delay(Commit / 3), TaskScheduler.Default).Unwrap();
    }

    private static async Task TakeTurnAsync(Task previous, Func<Task>? before)
    {
        await previous;
        await Task.Delay(Commit);
        if (before is not null)
        {
            await before();
        }
    }

    private async Task<BookingError?> BookAsync(string patient, DateTimeOffset start)
    {
        var (_, error) = await _booking.Book.BookAsync(
            new Caller("admin", Caller.Admin), BookingModuleHost.At(start) with { Username = patient }, null, null, CancellationToken.None);
        return error;
    }
}
