using System.Text.Json;
using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Tests;

/// <summary>
/// Idempotency keys do not pile up and do not crowd one record: a caller's keys are spread over sixteen records by
/// their hash, each pruned whenever it is written; the one record they were kept in before is still honoured.
/// </summary>
public sealed class IdempotencyKeysTests : IDisposable
{
    private readonly BookingModuleHost _booking = new();

    public void Dispose() => _booking.Dispose();

    [Fact]
    public async Task Keys_older_than_24_hours_are_dropped_when_their_record_is_next_written()
    {
        var alice = BookingModuleHost.Patient("alice");
        var (first, second, third) = ThreeKeysSharingARecord();
        await BookAsync(alice, first, days: 3);
        await BookAsync(alice, second, days: 4);
        _booking.Clock.Advance(TimeSpan.FromHours(25));

        await BookAsync(alice, third, days: 5);

        var stored = await _booking.Store.GetAsync(BookingKeys.Idempotency("alice", IdempotencyRecord.Hash(third)));
        IdempotencyRecord.ReadKeys(stored).Keys.Should().BeEquivalentTo([IdempotencyRecord.Hash(third)]);
    }

    [Fact]
    public async Task One_patients_many_keys_are_spread_over_records_that_stay_small()
    {
        var admin = new Caller("front-desk", Caller.Admin);
        for (var i = 0; i < 48; i++)
        {
            await BookAsync(admin, $"key-{i}", days: 3, hour: i);
        }

        // Keys are the booked patient's, whoever sends them.
        var records = await _booking.Store.GetBulkAsync("0123456789abcdef".Select(d => BookingKeys.Idempotency("alice", d.ToString())).ToList());
        var sizes = records.Select(r => IdempotencyRecord.ReadKeys(r).Count).ToList();
        sizes.Sum().Should().Be(48, "every key is remembered");
        sizes.Max().Should().BeLessThan(16, "no record holds a large share of the caller's keys");
    }

    [Fact]
    public async Task A_key_kept_in_the_old_single_record_still_answers_its_booking_and_the_record_goes_once_it_expired()
    {
        var alice = BookingModuleHost.Patient("alice");
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(3));
        var id = await _booking.BookOkAsync(alice, request);
        var old = new Dictionary<string, IdempotencyRecord>
        {
            [IdempotencyRecord.Hash("before-upgrade")] = new(IdempotencyRecord.HashOf("alice", request), id, _booking.Clock.GetUtcNow()),
        };
        await _booking.Store.TryExecuteAsync([StateOperation.Create(BookingKeys.LegacyIdempotency("alice"),
            JsonSerializer.SerializeToUtf8Bytes(old, StorageJson.Default.DictionaryStringIdempotencyRecord))]);

        var (replayed, _) = await _booking.Book.BookAsync(alice, request, "before-upgrade", CancellationToken.None);
        replayed.Should().Be(new Booked(id, Replayed: true));

        _booking.Clock.Advance(TimeSpan.FromHours(25));
        await BookAsync(alice, "after-upgrade", days: 4);
        (await _booking.Store.GetAsync(BookingKeys.LegacyIdempotency("alice"))).Exists.Should().BeFalse();
    }

    private static (string, string, string) ThreeKeysSharingARecord()
    {
        var keys = Enumerable.Range(0, 100).Select(i => $"key-{i}")
            .GroupBy(k => IdempotencyRecord.Hash(k)[0]).First(g => g.Count() >= 3).ToList();
        return (keys[0], keys[1], keys[2]);
    }

    private async Task BookAsync(Caller caller, string key, int days, int hour = 0)
    {
        var request = BookingModuleHost.At(_booking.Clock.GetUtcNow().AddDays(days).AddHours(hour)) with
        {
            Username = caller.IsAdmin ? "alice" : null,
        };
        var (booked, error) = await _booking.Book.BookAsync(caller, request, key, CancellationToken.None);
        error.Should().BeNull();
        booked!.Replayed.Should().BeFalse();
    }
}
