using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Tests.DaprSidecar;
using Dapr.Client;

namespace Appointments.BuildingBlocks.Tests;

/// <summary>The contract suite against the Dapr adapter, through the real SDK and a sidecar double that behaves as daprd with MongoDB.</summary>
public sealed class DaprStateStoreTests : StateStoreContract, IAsyncLifetime
{
    private DaprSidecarDouble _sidecar = null!;
    private DaprClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await DaprSidecarDouble.StartAsync();
        _client = _sidecar.CreateDaprClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    protected override Task<IStateStore> CreateStoreAsync() => Task.FromResult<IStateStore>(new DaprStateStore(_client));

    [Fact]
    public async Task A_state_outage_surfaces_as_StateStoreUnavailableException_on_reads_and_single_writes()
    {
        var store = await CreateStoreAsync();
        _sidecar.StateOutage = true;

        await FluentActions.Awaiting(() => store.GetAsync("k|1")).Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.GetBulkAsync(["k|1", "k|2"])).Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Create("k|1", "1"u8.ToArray())]))
            .Should().ThrowAsync<StateStoreUnavailableException>("an outage is not a conflict");
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Save("k|1", "1"u8.ToArray(), "some-etag")]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Delete("k|1", "some-etag")]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
    }

    [Fact]
    public async Task A_transaction_that_loses_a_first_write_returns_false_but_one_during_an_outage_throws()
    {
        var store = await CreateStoreAsync();
        (await store.TryExecuteAsync([StateOperation.Create("cell|1", "1"u8.ToArray())])).Should().BeTrue();
        StateOperation[] transaction = [StateOperation.Create("cell|1", "2"u8.ToArray()), StateOperation.Save("doc|1", "2"u8.ToArray())];

        var conflict = await store.TryExecuteAsync(transaction);
        _sidecar.StateOutage = true;
        // The delete's key reads as missing if the re-read trusts the bulk answer, which would look like a conflict.
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
    public async Task A_transaction_that_fails_without_any_condition_being_violated_is_an_outage()
    {
        var store = await CreateStoreAsync();

        // The double rejects the key like daprd does; nothing in the store explains the failure, so it is not a conflict.
        await FluentActions.Awaiting(() => store.TryExecuteAsync([StateOperation.Create("cell|1", "1"u8.ToArray()), StateOperation.Save("bad||key", "1"u8.ToArray())]))
            .Should().ThrowAsync<StateStoreUnavailableException>();
        (await store.GetAsync("cell|1")).Exists.Should().BeFalse();
    }

    [Fact]
    public async Task Values_are_stored_as_the_bytes_given()
    {
        var store = await CreateStoreAsync();
        var json = """{"a":[1,2],"b":"é"}"""u8.ToArray();

        await store.TryExecuteAsync([StateOperation.Save("doc|1", json)]);
        await store.TryExecuteAsync([StateOperation.Save("doc|2", json), StateOperation.Create("doc|3", json)]);

        (await store.GetAsync("doc|1")).Value.Should().Equal(json);
        (await store.GetBulkAsync(["doc|2", "doc|3"])).Select(e => e.Value).Should().AllSatisfy(v => v.Should().Equal(json));
        _sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||doc|1", "appointments||doc|2", "appointments||doc|3");
    }
}
