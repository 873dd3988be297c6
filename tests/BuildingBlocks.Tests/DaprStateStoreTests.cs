using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Tests.DaprSidecar;
using Dapr.Client;

namespace Appointments.BuildingBlocks.Tests;

/// <summary>The contract suite against daprd over MongoDB, as deployed.</summary>
public sealed class DaprMongoDBStateStoreTests() : DaprStateStoreTests(StateStoreKind.MongoDB);

/// <summary>The contract suite against daprd over PostgreSQL (v2), the alternative store.</summary>
public sealed class DaprPostgreSqlStateStoreTests() : DaprStateStoreTests(StateStoreKind.PostgreSql)
{
    protected override bool SaveWithAnETagInsertsAMissingKey => false;
}

/// <summary>
/// The contract suite and the Dapr adapter's own duties, through the real SDK and a sidecar double that behaves as
/// daprd with the given store (DAPR.md, "State").
/// </summary>
public abstract class DaprStateStoreTests(StateStoreKind kind) : StateStoreContract, IAsyncLifetime
{
    public static TheoryData<StateFailure> Outages() => new(StateFailure.StoreDown, StateFailure.StoreTimeout, StateFailure.SidecarUnreachable);

    private DaprSidecarDouble _sidecar = null!;
    private DaprClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { StateStore = kind });
        _client = _sidecar.CreateDaprClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    protected override Task<IStateStore> CreateStoreAsync() => Task.FromResult<IStateStore>(new DaprStateStore(_client));

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Every_outage_shape_surfaces_as_StateStoreUnavailableException_on_reads_bulk_reads_writes_and_transactions(StateFailure outage)
    {
        var store = await CreateStoreAsync();
        _sidecar.StateFailure = outage;

        await FluentActions.Awaiting(() => store.GetAsync("k|1")).Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.GetBulkAsync(["k|1", "k|2"])).Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Create("k|1", "1"u8.ToArray())]))
            .Should().ThrowAsync<StateStoreUnavailableException>("an outage is not a conflict");
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Save("k|1", "1"u8.ToArray(), "some-etag")]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Delete("k|1", "some-etag")]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Create("k|1", "1"u8.ToArray()), StateOperation.Save("k|2", "1"u8.ToArray())]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
    }

    [Fact]
    public async Task A_bulk_read_cancelled_by_its_caller_is_a_cancellation_not_an_outage()
    {
        var store = await CreateStoreAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => store.GetBulkAsync(["k|1"], cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_transaction_that_loses_a_first_write_returns_false_but_one_during_an_outage_throws()
    {
        var store = await CreateStoreAsync();
        (await store.TryExecuteAsync([StateOperation.Create("cell|1", "1"u8.ToArray())])).Should().BeTrue();
        StateOperation[] transaction = [StateOperation.Create("cell|1", "2"u8.ToArray()), StateOperation.Save("doc|1", "2"u8.ToArray())];

        var conflict = await store.TryExecuteAsync(transaction);
        _sidecar.StateFailure = StateFailure.StoreDown;
        var outage = FluentActions.Awaiting(() => store.TryExecuteAsync(
            [StateOperation.Create("cell|2", "1"u8.ToArray()), StateOperation.Delete("doc|2", "some-etag")]));

        conflict.Should().BeFalse();
        await outage.Should().ThrowAsync<StateStoreUnavailableException>();
    }

    [Fact]
    public async Task A_transaction_with_a_stale_etag_or_deleting_a_missing_key_with_an_etag_returns_false()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("doc|1", "1"u8.ToArray())]);
        var stale = (await store.GetAsync("doc|1")).ETag;
        await store.TryExecuteAsync([StateOperation.Save("doc|1", "2"u8.ToArray())]);

        (await store.TryExecuteAsync([StateOperation.Save("doc|1", "3"u8.ToArray(), stale), StateOperation.Save("other|1", "1"u8.ToArray())]))
            .Should().BeFalse();
        (await store.TryExecuteAsync([StateOperation.Delete("doc|gone", stale), StateOperation.Save("other|1", "1"u8.ToArray())]))
            .Should().BeFalse();
        (await store.GetAsync("other|1")).Exists.Should().BeFalse();
    }

    [Fact]
    public async Task A_transaction_the_sidecar_refuses_whatever_its_conditions_is_not_written()
    {
        var store = await CreateStoreAsync();

        // The double rejects the key like daprd does. The status says nothing the adapter may trust; the witness is not there.
        (await store.TryExecuteAsync([StateOperation.Create("cell|1", "1"u8.ToArray()), StateOperation.Save("bad||key", "1"u8.ToArray())]))
            .Should().BeFalse();
        (await store.GetAsync("cell|1")).Exists.Should().BeFalse();
    }

    [Fact]
    public async Task Values_are_stored_as_the_bytes_given_even_what_MongoDB_would_read_as_expressions()
    {
        var store = await CreateStoreAsync();
        var json = """{"z":1,"email":"$x@example.com","note":"$$y","big":12345678901234567890,"html":"<b>&</b>","é":"é"}"""u8.ToArray();

        await store.TryExecuteAsync([StateOperation.Save("doc|1", json)]);
        await store.TryExecuteAsync([StateOperation.Save("doc|2", json), StateOperation.Create("doc|3", json)]);

        (await store.GetAsync("doc|1")).Value.Should().Equal(json);
        (await store.GetBulkAsync(["doc|2", "doc|3"])).Select(e => e.Value).Should().AllSatisfy(v => v.Should().Equal(json));
        _sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||doc|1", "appointments||doc|2", "appointments||doc|3");
    }

    [Fact]
    public async Task A_transaction_reported_committed_but_not_written_is_not_written_and_a_retry_writes_it()
    {
        var store = await CreateStoreAsync();
        StateOperation[] booking = [StateOperation.Create("appointment|a1", "{}"u8.ToArray()), StateOperation.Create("cell|1", "\"a1\""u8.ToArray())];
        _sidecar.LoseCommits();

        var lost = await store.TryExecuteAsync(booking);

        lost.Should().BeFalse("its witness, the document, is not there");
        _sidecar.StoredStateKeys.Should().BeEmpty();
        (await store.TryExecuteAsync(booking)).Should().BeTrue();
    }

    [Fact]
    public async Task A_lost_commit_of_etag_checked_writes_is_not_written_either()
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Save("doc|1", "1"u8.ToArray()), StateOperation.Save("cell|1", "1"u8.ToArray())]);
        var document = await store.GetAsync("doc|1");
        var cell = await store.GetAsync("cell|1");
        _sidecar.LoseCommits();

        var lost = await store.TryExecuteAsync([StateOperation.Save("doc|1", "2"u8.ToArray(), document.ETag), StateOperation.Delete("cell|1", cell.ETag)]);

        lost.Should().BeFalse();
        (await store.GetAsync("doc|1")).ETag.Should().Be(document.ETag);
    }

    [Fact]
    public async Task Losing_the_race_for_a_shared_first_write_key_that_holds_equal_bytes_is_a_conflict_not_our_write()
    {
        var store = await CreateStoreAsync();
        var month = "[\"2031-03\"]"u8.ToArray();
        (await store.TryExecuteAsync([StateOperation.Create("appointment|a1", "{}"u8.ToArray()), StateOperation.Create("user-months|ana", month)]))
            .Should().BeTrue();

        var second = await store.TryExecuteAsync([StateOperation.Create("appointment|a2", "{}"u8.ToArray()), StateOperation.Create("user-months|ana", month)]);

        second.Should().BeFalse("the shared key's bytes are equal, but a2's own document is not there");
        (await store.GetAsync("appointment|a2")).Exists.Should().BeFalse();
    }

    [Fact]
    public async Task A_write_answered_with_a_timeout_that_landed_anyway_counts_as_written_not_as_a_conflict()
    {
        var store = await CreateStoreAsync();
        _sidecar.StateFailure = StateFailure.WriteLandsAfterTimeout;

        var transaction = await store.TryExecuteAsync([StateOperation.Create("appointment|a1", "{}"u8.ToArray()), StateOperation.Create("cell|1", "\"a1\""u8.ToArray())]);
        var single = await store.TryExecuteAsync([StateOperation.Create("claim|1", "\"c1\""u8.ToArray())]);
        _sidecar.StateFailure = StateFailure.None;

        transaction.Should().BeTrue("its first-write keys hold its own values");
        single.Should().BeTrue();
        _sidecar.StoredStateKeys.Should().HaveCount(3);
    }
}
