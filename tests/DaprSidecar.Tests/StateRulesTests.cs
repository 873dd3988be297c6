using System.Text;
using Dapr;
using Dapr.Client;
using Autogen = Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>The state rules of DAPR.md, through the real SDK: the double may be no more forgiving than daprd.</summary>
public sealed class StateRulesTests : SidecarTest
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private static readonly StateOptions LastWrite = new() { Concurrency = ConcurrencyMode.LastWrite };

    [Fact]
    public async Task Getting_a_missing_key_gives_the_default_value_and_an_empty_etag()
    {
        var (value, etag) = await Dapr.GetStateAndETagAsync<string>(Store, "nothing");

        value.Should().BeNull();
        etag.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_write_gives_the_key_a_new_uuid_etag()
    {
        await Dapr.SaveStateAsync(Store, "k", "one");
        var (_, first) = await Dapr.GetStateAndETagAsync<string>(Store, "k");
        await Dapr.SaveStateAsync(Store, "k", "two");
        var (value, second) = await Dapr.GetStateAndETagAsync<string>(Store, "k");

        value.Should().Be("two");
        Guid.TryParse(first, out _).Should().BeTrue();
        Guid.TryParse(second, out _).Should().BeTrue();
        second.Should().NotBe(first);
    }

    [Fact]
    public async Task Keys_are_stored_prefixed_with_the_app_id()
    {
        await Dapr.SaveStateAsync(Store, "doctor-time|d1|42", 1);

        Sidecar.StoredStateKeys.Should().Equal("appointments||doctor-time|d1|42");
    }

    [Fact]
    public async Task A_key_containing_a_double_pipe_is_rejected_as_an_invalid_argument()
    {
        var save = await Assert.ThrowsAsync<DaprException>(() => Dapr.SaveStateAsync(Store, "a||b", 1));
        var get = await Assert.ThrowsAsync<DaprException>(() => Dapr.GetStateAsync<int>(Store, "a||b"));
        var transaction = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("a||b", [1], StateOperationType.Upsert)]));

        StatusOf(save).Should().Be(StatusCode.InvalidArgument);
        StatusOf(get).Should().Be(StatusCode.InvalidArgument);
        StatusOf(transaction).Should().Be(StatusCode.InvalidArgument);
        Sidecar.StoredStateKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_state_store_is_an_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.GetStateAsync<int>("other-store", "k"));

        StatusOf(error).Should().Be(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Values_are_kept_as_the_bytes_sent()
    {
        byte[] bytes = [0, 255, 1, 128, (byte)'{'];
        await Dapr.SaveByteStateAsync(Store, "raw", bytes);

        var (value, _) = await Dapr.GetByteStateAndETagAsync(Store, "raw");

        value.ToArray().Should().Equal(bytes);
    }

    [Fact]
    public async Task First_write_with_an_empty_etag_creates_a_missing_key_and_returns_false_on_an_existing_one()
    {
        var created = await Dapr.TrySaveStateAsync(Store, "cell", "a", "", FirstWrite);
        var again = await Dapr.TrySaveStateAsync(Store, "cell", "b", "", FirstWrite);

        created.Should().BeTrue();
        again.Should().BeFalse();
        (await Dapr.GetStateAsync<string>(Store, "cell")).Should().Be("a");
    }

    [Fact]
    public async Task An_empty_etag_without_first_write_means_no_etag_and_the_last_write_wins()
    {
        await Dapr.SaveStateAsync(Store, "doc", "a");

        (await Dapr.TrySaveStateAsync(Store, "doc", "b", "")).Should().BeTrue();
        (await Dapr.TrySaveStateAsync(Store, "doc", "c", "", LastWrite)).Should().BeTrue();
        (await Dapr.GetStateAsync<string>(Store, "doc")).Should().Be("c");
    }

    [Theory]
    [InlineData(ConcurrencyMode.FirstWrite)]
    [InlineData(ConcurrencyMode.LastWrite)]
    public async Task Saving_with_a_stale_etag_returns_false_whatever_the_concurrency_mode(ConcurrencyMode mode)
    {
        await Dapr.SaveStateAsync(Store, "doc", "a");
        var (_, stale) = await Dapr.GetStateAndETagAsync<string>(Store, "doc");
        await Dapr.SaveStateAsync(Store, "doc", "b");

        var saved = await Dapr.TrySaveStateAsync(Store, "doc", "c", stale, new StateOptions { Concurrency = mode });

        saved.Should().BeFalse();
        (await Dapr.GetStateAsync<string>(Store, "doc")).Should().Be("b");
    }

    [Fact]
    public async Task Saving_with_the_current_etag_succeeds_and_changes_the_etag()
    {
        await Dapr.SaveStateAsync(Store, "doc", "a");
        var (_, current) = await Dapr.GetStateAndETagAsync<string>(Store, "doc");

        (await Dapr.TrySaveStateAsync(Store, "doc", "b", current, FirstWrite)).Should().BeTrue();
        var (value, etag) = await Dapr.GetStateAndETagAsync<string>(Store, "doc");

        value.Should().Be("b");
        etag.Should().NotBe(current);
    }

    [Fact]
    public async Task Saving_with_an_etag_on_a_missing_key_inserts_it_as_MongoDB_does()
    {
        var saved = await Dapr.TrySaveStateAsync(Store, "gone", "back", Guid.NewGuid().ToString());

        saved.Should().BeTrue();
        (await Dapr.GetStateAsync<string>(Store, "gone")).Should().Be("back");
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_returns_false_and_keeps_the_key()
    {
        await Dapr.SaveStateAsync(Store, "doc", "a");
        var (_, stale) = await Dapr.GetStateAndETagAsync<string>(Store, "doc");
        await Dapr.SaveStateAsync(Store, "doc", "b");

        (await Dapr.TryDeleteStateAsync(Store, "doc", stale)).Should().BeFalse();
        (await Dapr.GetStateAsync<string>(Store, "doc")).Should().Be("b");
    }

    [Fact]
    public async Task Deleting_a_missing_key_with_an_etag_returns_false()
    {
        (await Dapr.TryDeleteStateAsync(Store, "missing", Guid.NewGuid().ToString())).Should().BeFalse();
    }

    [Fact]
    public async Task Deleting_with_the_current_etag_or_without_one_removes_the_key()
    {
        await Dapr.SaveStateAsync(Store, "one", 1);
        await Dapr.SaveStateAsync(Store, "two", 2);
        var (_, etag) = await Dapr.GetStateAndETagAsync<int>(Store, "one");

        (await Dapr.TryDeleteStateAsync(Store, "one", etag)).Should().BeTrue();
        await Dapr.DeleteStateAsync(Store, "two");
        await Dapr.DeleteStateAsync(Store, "never-there");

        Sidecar.StoredStateKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task A_save_mismatch_outside_a_transaction_is_reported_as_Aborted()
    {
        await Dapr.SaveStateAsync(Store, "cell", 1);

        // SaveStateAsync has no Try: the status shows through the exception.
        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.SaveStateAsync(Store, "cell", 2, FirstWrite));

        StatusOf(error).Should().Be(StatusCode.Aborted);
    }

    [Fact]
    public async Task A_transaction_applies_upserts_and_deletes_each_with_its_own_etag()
    {
        await Dapr.SaveStateAsync(Store, "old", 1);
        await Dapr.SaveStateAsync(Store, "index", 1);
        var (_, oldEtag) = await Dapr.GetStateAndETagAsync<int>(Store, "old");
        var (_, indexEtag) = await Dapr.GetStateAndETagAsync<int>(Store, "index");

        await Dapr.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("cell", Json("1"), StateOperationType.Upsert, "", options: FirstWrite),
            new StateTransactionRequest("index", Json("2"), StateOperationType.Upsert, indexEtag),
            new StateTransactionRequest("old", null, StateOperationType.Delete, oldEtag),
        ]);

        (await Dapr.GetStateAsync<int>(Store, "cell")).Should().Be(1);
        (await Dapr.GetStateAsync<int>(Store, "index")).Should().Be(2);
        Sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||cell", "appointments||index");
    }

    [Fact]
    public async Task A_transaction_with_an_etag_mismatch_fails_as_Internal_and_writes_nothing()
    {
        await Dapr.SaveStateAsync(Store, "held", "x");
        await Dapr.SaveStateAsync(Store, "keep", 1);

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("new", Json("1"), StateOperationType.Upsert),
            new StateTransactionRequest("keep", null, StateOperationType.Delete),
            new StateTransactionRequest("held", Json("\"y\""), StateOperationType.Upsert, "", options: FirstWrite),
        ]));

        StatusOf(error).Should().Be(StatusCode.Internal, "a failed transaction does not say conflict");
        (await Dapr.GetStateAsync<string>(Store, "held")).Should().Be("x");
        (await Dapr.GetStateAsync<int>(Store, "keep")).Should().Be(1);
        Sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||held", "appointments||keep");
    }

    [Fact]
    public async Task A_transaction_with_a_stale_etag_or_deleting_a_missing_key_with_an_etag_fails_as_Internal()
    {
        await Dapr.SaveStateAsync(Store, "doc", 1);
        var (_, stale) = await Dapr.GetStateAndETagAsync<int>(Store, "doc");
        await Dapr.SaveStateAsync(Store, "doc", 2);

        var staleSave = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("doc", Json("3"), StateOperationType.Upsert, stale)]));
        var missingDelete = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("missing", null, StateOperationType.Delete, stale)]));

        StatusOf(staleSave).Should().Be(StatusCode.Internal);
        StatusOf(missingDelete).Should().Be(StatusCode.Internal);
        (await Dapr.GetStateAsync<int>(Store, "doc")).Should().Be(2);
    }

    [Fact]
    public async Task Bulk_get_answers_found_keys_in_key_order_then_the_missing_ones_in_request_order()
    {
        await Dapr.SaveStateAsync(Store, "x3", 3);
        await Dapr.SaveStateAsync(Store, "x1", 1);

        var items = await Dapr.GetBulkStateAsync(Store, ["x4", "x3", "x2", "x1"], parallelism: null);

        items.Select(i => i.Key).Should().Equal("x1", "x3", "x4", "x2");
        items.Select(i => i.Value).Should().Equal("1", "3", "", "");
        items.Select(i => i.ETag.Length > 0).Should().Equal(true, true, false, false);
    }

    [Fact]
    public async Task Several_items_in_one_save_are_independent_writes_so_one_mismatch_keeps_the_others()
    {
        await Dapr.SaveStateAsync(Store, "held", "x");

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.SaveBulkStateAsync(Store,
        [
            new SaveStateItem<string>("free", "a", "", FirstWrite),
            new SaveStateItem<string>("held", "b", "", FirstWrite),
        ]));

        StatusOf(error).Should().Be(StatusCode.Aborted, "every failed item was an ETag mismatch");
        (await Dapr.GetStateAsync<string>(Store, "free")).Should().Be("a", "a save of several items is not a transaction");
        (await Dapr.GetStateAsync<string>(Store, "held")).Should().Be("x");
    }

    [Fact]
    public async Task When_the_store_is_down_single_key_calls_and_transactions_fail_with_Internal_and_bulk_get_fails_whole_with_Unknown()
    {
        await Dapr.SaveStateAsync(Store, "doc", 1);
        var (_, etag) = await Dapr.GetStateAndETagAsync<int>(Store, "doc");
        Sidecar.StateFailure = StateFailure.StoreDown;

        foreach (var call in SingleKeyCallsAndATransaction(etag))
        {
            StatusOf(await Assert.ThrowsAsync<DaprException>(call)).Should().Be(StatusCode.Internal);
        }

        var bulk = await Assert.ThrowsAsync<DaprException>(() => Dapr.GetBulkStateAsync(Store, ["doc", "other"], parallelism: null));
        StatusOf(bulk).Should().Be(StatusCode.Unknown, "daprd passes MongoDB's error through unwrapped");
        Sidecar.StateFailure = StateFailure.None;
        (await Dapr.GetStateAsync<int>(Store, "doc")).Should().Be(1, "nothing was written during the outage");
    }

    [Fact]
    public async Task When_the_store_is_slower_than_the_resiliency_timeout_bulk_get_is_DeadlineExceeded_which_the_SDK_raises_as_a_cancellation()
    {
        await Dapr.SaveStateAsync(Store, "doc", 1);
        var (_, etag) = await Dapr.GetStateAndETagAsync<int>(Store, "doc");
        Sidecar.StateFailure = StateFailure.StoreTimeout;
        using var channel = GrpcChannel.ForAddress(Sidecar.GrpcEndpoint);
        var raw = new Autogen.Dapr.DaprClient(channel);

        var status = await Assert.ThrowsAsync<RpcException>(async () =>
            await raw.GetBulkStateAsync(new Autogen.GetBulkStateRequest { StoreName = Store, Keys = { "doc" } }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dapr.GetBulkStateAsync(Store, ["doc"], parallelism: null));
        foreach (var call in SingleKeyCallsAndATransaction(etag))
        {
            StatusOf(await Assert.ThrowsAsync<DaprException>(call)).Should().Be(StatusCode.Internal);
        }

        status.StatusCode.Should().Be(StatusCode.DeadlineExceeded);
    }

    [Fact]
    public async Task A_write_that_outlives_the_resiliency_timeout_is_answered_as_failed_and_lands_anyway()
    {
        Sidecar.StateFailure = StateFailure.WriteLandsAfterTimeout;

        var transaction = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("cell", Json("1"), StateOperationType.Upsert, "", options: FirstWrite)]));
        var save = await Assert.ThrowsAsync<DaprException>(() => Dapr.SaveStateAsync(Store, "doc", 1));

        StatusOf(transaction).Should().Be(StatusCode.Internal);
        StatusOf(save).Should().Be(StatusCode.Internal);
        Sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||cell", "appointments||doc");
    }

    [Fact]
    public async Task Without_a_reachable_sidecar_every_state_call_fails_with_Unavailable()
    {
        Sidecar.StateFailure = StateFailure.SidecarUnreachable;

        foreach (var call in SingleKeyCallsAndATransaction("some-etag").Append(() => Dapr.GetBulkStateAsync(Store, ["doc"], parallelism: null)))
        {
            StatusOf(await Assert.ThrowsAsync<DaprException>(call)).Should().Be(StatusCode.Unavailable);
        }
    }

    [Fact]
    public async Task A_lost_commit_is_answered_as_success_and_writes_nothing_once()
    {
        Sidecar.LoseCommits(1);
        StateTransactionRequest[] booking =
        [
            new("cell", Json("\"a1\""), StateOperationType.Upsert, "", options: FirstWrite),
            new("doc", Json("1"), StateOperationType.Upsert),
        ];

        await Dapr.ExecuteStateTransactionAsync(Store, booking);
        var afterLoss = Sidecar.StoredStateKeys.ToList();
        await Dapr.ExecuteStateTransactionAsync(Store, booking);

        afterLoss.Should().BeEmpty();
        Sidecar.StoredStateKeys.Should().BeEquivalentTo("appointments||cell", "appointments||doc");
    }

    [Fact]
    public async Task A_transaction_that_fails_its_conditions_does_not_use_up_a_lost_commit()
    {
        await Dapr.SaveStateAsync(Store, "cell", "taken");
        Sidecar.LoseCommits(1);

        await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("cell", Json("\"mine\""), StateOperationType.Upsert, "", options: FirstWrite)]));
        await Dapr.ExecuteStateTransactionAsync(Store, [new StateTransactionRequest("other", Json("1"), StateOperationType.Upsert)]);

        Sidecar.StoredStateKeys.Should().Equal("appointments||cell");
    }

    [Fact]
    public async Task Of_many_concurrent_first_write_transactions_on_one_key_exactly_one_succeeds()
    {
        var attempts = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            try
            {
                await Dapr.ExecuteStateTransactionAsync(Store,
                [
                    new StateTransactionRequest($"mine|{i}", Json("1"), StateOperationType.Upsert),
                    new StateTransactionRequest("shared", Json($"{i}"), StateOperationType.Upsert, "", options: FirstWrite),
                ]);
                return true;
            }
            catch (DaprException)
            {
                return false;
            }
        }));

        var results = await Task.WhenAll(attempts);

        results.Count(won => won).Should().Be(1);
        Sidecar.StoredStateKeys.Should().HaveCount(2, "only the winner's keys were written");
    }

    [Fact]
    public async Task Methods_the_double_does_not_serve_answer_Unimplemented()
    {
        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.PublishEventAsync("pubsub", "topic", "x"));

        StatusOf(error).Should().Be(StatusCode.Unimplemented);
    }

    private Func<Task>[] SingleKeyCallsAndATransaction(string etag) =>
    [
        () => Dapr.GetStateAsync<int>(Store, "doc"),
        () => Dapr.TrySaveStateAsync(Store, "doc", 2, etag),
        () => Dapr.TryDeleteStateAsync(Store, "doc", etag),
        () => Dapr.ExecuteStateTransactionAsync(Store, [new StateTransactionRequest("doc", Json("2"), StateOperationType.Upsert)]),
    ];

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
