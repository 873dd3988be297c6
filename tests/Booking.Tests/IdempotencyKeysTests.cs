using Appointments.Booking.Storage;

namespace Appointments.Booking.Tests;

/// <summary>Idempotency keys do not pile up: a caller's keys are one document, pruned whenever they book with a key.</summary>
public sealed class IdempotencyKeysTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task Keys_older_than_24_hours_are_dropped_when_the_caller_next_books_with_a_key()
    {
        var alice = BookingModuleHost.Patient("alice");
        await BookAsync(alice, "first", days: 3);
        await BookAsync(alice, "second", days: 4);
        _booking.Clock.Advance(TimeSpan.FromHours(25));

        await BookAsync(alice, "third", days: 5);

        var stored = await _booking.Store.GetAsync(BookingKeys.Idempotency("alice"));
        IdempotencyRecord.ReadKeys(stored).Keys.Should().BeEquivalentTo([IdempotencyRecord.Hash("third")]);
    }

    private async Task BookAsync(Caller caller, string key, int days)
    {
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(days));
        var (booked, error) = await _booking.Book.BookAsync(caller, request, key, CancellationToken.None);
        error.Should().BeNull();
        booked!.Replayed.Should().BeFalse();
    }
}
