using Appointments.Booking.Storage;
using Appointments.TestSupport;

namespace Appointments.Booking.Tests;

/// <summary>
/// One key per <c>Idempotency-Key</c>, created with its booking; kept 24 hours, then replaced by the next booking that uses
/// the key, and removed by the patient's next booking otherwise: keys do not pile up.
/// </summary>
public sealed class IdempotencyKeysTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task Each_key_is_a_small_record_of_its_own_however_many_a_patient_uses()
    {
        var admin = new Caller("front-desk", Caller.Admin);
        for (var i = 0; i < 48; i++)
        {
            await BookAsync(admin, $"key-{i}", days: 3, hour: i);
        }

        // Keys are the booked patient's, whoever sends them.
        var keys = IdempotencyKeys();
        keys.Should().HaveCount(48, "every key is remembered");
        keys.Values.Should().OnlyContain(bytes => bytes < 200);
    }

    [Fact]
    public async Task A_key_older_than_24_hours_books_anew()
    {
        var alice = BookingModuleHost.Patient("alice");
        var first = await BookAsync(alice, "same-key", days: 3);
        _booking.Clock.Advance(TimeSpan.FromHours(25));

        var second = await BookAsync(alice, "same-key", days: 5);

        second.Should().NotBe(first);
        var record = IdempotencyRecord.ReadLive(await _booking.Store.GetAsync(BookingKeys.Idempotency("alice", IdempotencyRecord.Hash("same-key"))), _booking.Clock.GetUtcNow());
        record!.AppointmentId.Should().Be(second);
    }

    [Fact]
    public async Task A_patients_expired_keys_are_removed_by_their_next_booking()
    {
        var alice = BookingModuleHost.Patient("alice");
        for (var i = 0; i < 5; i++)
        {
            await BookAsync(alice, $"key-{i}", days: 3, hour: i);
        }

        var whileLive = IdempotencyKeys().Count;
        _booking.Clock.Advance(TimeSpan.FromHours(25));

        await _booking.BookOkAsync(alice, BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(9)));

        whileLive.Should().Be(5);
        IdempotencyKeys().Should().BeEmpty();
    }

    private IReadOnlyDictionary<string, int> IdempotencyKeys() =>
        new SqliteFile(_booking.DatabaseFile).Keys().Where(k => k.Key.StartsWith("idempotency|", StringComparison.Ordinal)).ToDictionary(k => k.Key, k => k.Value.Bytes);

    private async Task<string> BookAsync(Caller caller, string key, int days, int hour = 0)
    {
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(days).AddHours(hour)) with
        {
            Username = caller.IsAdmin ? "alice" : null,
        };
        var (booked, error) = await _booking.Book.BookAsync(caller, request, key, null, CancellationToken.None);
        error.Should().BeNull();
        booked!.Replayed.Should().BeFalse();
        return booked.Id;
    }
}
