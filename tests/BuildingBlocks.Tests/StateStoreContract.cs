using System.Text;
using Appointments.BuildingBlocks.State;

namespace Appointments.BuildingBlocks.Tests;

/// <summary>
/// What every <see cref="IStateStore"/> adapter must do. Each adapter's test class derives from this
/// and supplies a fresh, empty store; the same assertions then hold for SQLite and for Dapr.
/// </summary>
public abstract class StateStoreContract
{
    protected abstract Task<IStateStore> CreateStoreAsync();

    /// <summary>MongoDB (and so SQLite, which follows it) inserts a key saved with an ETag; PostgreSQL only updates.</summary>
    protected virtual bool SaveWithAnETagInsertsAMissingKey => true;

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StateEntry entry) => Encoding.UTF8.GetString(entry.Value!);

    [ContractFact]
    public async Task A_missing_key_reads_as_no_value_and_an_empty_etag()
    {
        var store = await CreateStoreAsync();

        var entry = await store.GetAsync("nothing|here");

        entry.Exists.Should().BeFalse();
        entry.ETag.Should().BeEmpty();
    }

    [ContractFact]
    public async Task A_saved_value_reads_back_with_an_etag_that_changes_on_every_write()
    {
        var store = await CreateStoreAsync();

        (await store.TryExecuteAsync([StateOperation.Save("k|1", Json("""{"n":1}"""))])).Should().BeTrue();
        var first = await store.GetAsync("k|1");
        (await store.TryExecuteAsync([StateOperation.Save("k|1", Json("""{"n":2}"""))])).Should().BeTrue();
        var second = await store.GetAsync("k|1");

        Text(first).Should().Be("""{"n":1}""");
        Text(second).Should().Be("""{"n":2}""");
        first.ETag.Should().NotBeEmpty();
        second.ETag.Should().NotBeEmpty().And.NotBe(first.ETag);
    }

    [ContractFact]
    public async Task Create_succeeds_once_and_then_reports_a_conflict_without_overwriting()
    {
        var store = await CreateStoreAsync();

        var first = await store.TryExecuteAsync([StateOperation.Create("cell|1", Json("\"a\""))]);
        var second = await store.TryExecuteAsync([StateOperation.Create("cell|1", Json("\"b\""))]);

        first.Should().BeTrue();
        second.Should().BeFalse();
        Text(await store.GetAsync("cell|1")).Should().Be("\"a\"");
    }

    [ContractFact]
    public async Task Save_with_the_current_etag_succeeds_and_with_a_stale_one_is_a_conflict()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("doc|1", Json("1"))]);
        var stale = (await store.GetAsync("doc|1")).ETag;
        await store.TryExecuteAsync([StateOperation.Save("doc|1", Json("2"), stale)]);

        var withStale = await store.TryExecuteAsync([StateOperation.Save("doc|1", Json("3"), stale)]);

        withStale.Should().BeFalse();
        Text(await store.GetAsync("doc|1")).Should().Be("2");
    }

    [ContractFact]
    public async Task Save_with_an_etag_on_a_missing_key_inserts_it_or_is_a_conflict_as_the_store_does_never_an_outage()
    {
        var store = await CreateStoreAsync();

        var saved = await store.TryExecuteAsync([StateOperation.Save("doc|gone", Json("1"), "00000000-0000-0000-0000-000000000000")]);
        var inTransaction = await store.TryExecuteAsync(
            [StateOperation.Save("doc|gone2", Json("1"), "00000000-0000-0000-0000-000000000000"), StateOperation.Create("doc|new", Json("1"))]);

        saved.Should().Be(SaveWithAnETagInsertsAMissingKey, "an ETag is not a must-exist test; tombstones are");
        inTransaction.Should().Be(SaveWithAnETagInsertsAMissingKey);
        (await store.GetAsync("doc|gone")).Exists.Should().Be(SaveWithAnETagInsertsAMissingKey);
        (await store.GetAsync("doc|new")).Exists.Should().Be(SaveWithAnETagInsertsAMissingKey);
    }

    [ContractFact]
    public async Task Delete_with_a_stale_etag_or_of_a_missing_key_with_an_etag_is_a_conflict()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("doc|2", Json("1"))]);
        var stale = (await store.GetAsync("doc|2")).ETag;
        await store.TryExecuteAsync([StateOperation.Save("doc|2", Json("2"))]);

        (await store.TryExecuteAsync([StateOperation.Delete("doc|2", stale)])).Should().BeFalse();
        (await store.TryExecuteAsync([StateOperation.Delete("doc|missing", stale)])).Should().BeFalse();
        (await store.GetAsync("doc|2")).Exists.Should().BeTrue();
    }

    [ContractFact]
    public async Task Delete_with_the_current_etag_or_without_one_removes_the_key()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("doc|3", Json("1")), StateOperation.Save("doc|4", Json("1"))]);
        var etag = (await store.GetAsync("doc|3")).ETag;

        (await store.TryExecuteAsync([StateOperation.Delete("doc|3", etag)])).Should().BeTrue();
        (await store.TryExecuteAsync([StateOperation.Delete("doc|4")])).Should().BeTrue();

        (await store.GetAsync("doc|3")).Exists.Should().BeFalse();
        (await store.GetAsync("doc|4")).Exists.Should().BeFalse();
    }

    [ContractFact]
    public async Task A_transaction_with_one_failing_condition_writes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Create("held|1", Json("\"x\"")), StateOperation.Save("keep|1", Json("1"))]);

        var result = await store.TryExecuteAsync(
        [
            StateOperation.Save("new|1", Json("1")),
            StateOperation.Delete("keep|1"),
            StateOperation.Create("held|1", Json("\"y\"")),
        ]);

        result.Should().BeFalse();
        (await store.GetAsync("new|1")).Exists.Should().BeFalse();
        (await store.GetAsync("keep|1")).Exists.Should().BeTrue();
        Text(await store.GetAsync("held|1")).Should().Be("\"x\"");
    }

    [ContractFact]
    public async Task A_transaction_whose_conditions_hold_applies_every_operation()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("old|1", Json("1"))]);
        var etag = (await store.GetAsync("old|1")).ETag;

        var result = await store.TryExecuteAsync(
        [
            StateOperation.Create("a|1", Json("1")),
            StateOperation.Save("b|1", Json("2")),
            StateOperation.Delete("old|1", etag),
        ]);

        result.Should().BeTrue();
        var entries = await store.GetBulkAsync(["a|1", "b|1", "old|1"]);
        entries.Select(e => e.Exists).Should().Equal(true, true, false);
    }

    [ContractFact]
    public async Task A_witnessed_write_tells_the_witness_etag_a_read_would_give_and_nothing_when_it_fails()
    {
        var store = await CreateStoreAsync();

        var one = await store.TryExecuteWitnessedAsync([StateOperation.Create("w|1", Json("1"))]);
        var many = await store.TryExecuteWitnessedAsync([StateOperation.Save("w|2", Json("2")), StateOperation.Create("w|3", Json("3"))]);
        var refused = await store.TryExecuteWitnessedAsync([StateOperation.Save("w|4", Json("4")), StateOperation.Create("w|1", Json("5"))]);

        one.Should().Be((true, (await store.GetAsync("w|1")).ETag));
        many.Should().Be((true, (await store.GetAsync("w|2")).ETag));
        refused.Should().Be((false, (string?)null));
        (await store.TryExecuteAsync([StateOperation.Save("w|2", Json("6"), many.ETag)])).Should().BeTrue("the told ETag is the version stored");
    }

    [ContractFact]
    public async Task A_given_etag_becomes_the_keys_etag_only_where_the_store_says_it_keeps_given_etags()
    {
        var store = await CreateStoreAsync();
        var (first, second) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        (await store.TryExecuteAsync([
            StateOperation.Create("given|1", "1"u8.ToArray()) with { NewETag = first },
            StateOperation.Save("given|2", "2"u8.ToArray()) with { NewETag = second }])).Should().BeTrue();

        var etags = (await store.GetBulkAsync(["given|1", "given|2"])).Select(e => e.ETag).ToList();
        (etags[0] == first).Should().Be(store.KeepsGivenETags, "the witness");
        (etags[1] == second).Should().Be(store.KeepsGivenETags, "any other operation");
    }

    [ContractFact]
    public async Task Bulk_get_answers_every_key_in_order_missing_ones_included()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("x|1", Json("1")), StateOperation.Save("x|3", Json("3"))]);

        var entries = await store.GetBulkAsync(["x|3", "x|2", "x|1"]);

        entries.Select(e => e.Key).Should().Equal("x|3", "x|2", "x|1");
        entries.Select(e => e.Exists).Should().Equal(true, false, true);
        entries[1].ETag.Should().BeEmpty();
    }

    [ContractFact]
    public async Task Of_many_concurrent_creates_of_one_key_exactly_one_wins()
    {
        var store = await CreateStoreAsync();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await store.TryExecuteAsync([StateOperation.Create($"race|{i}", Json("1")), StateOperation.Create("race|cell", Json($"{i}"))]);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        results.Count(won => won).Should().Be(1);
        var winner = Array.IndexOf(results, true);
        var entries = await store.GetBulkAsync(Enumerable.Range(0, 32).Select(i => $"race|{i}").ToArray());
        entries.Count(e => e.Exists).Should().Be(1, "the losers' other writes were rolled back");
        Text(await store.GetAsync("race|cell")).Should().Be($"{winner}");
    }

    [ContractFact]
    public async Task Concurrent_read_modify_writes_with_etags_lose_no_update()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("counter|1", Json("0"))]);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = await store.GetAsync("counter|1");
                var next = int.Parse(Text(current)) + 1;
                if (await store.TryExecuteAsync([StateOperation.Save("counter|1", Json($"{next}"), current.ETag)]))
                {
                    return;
                }
            }
        })));

        Text(await store.GetAsync("counter|1")).Should().Be("16");
    }
}
