using System.Diagnostics;
using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Autogen = Dapr.Client.Autogen.Grpc.v1;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// DAPR.md's third reading, on MongoDB: transactions that meet on a row, the timeout, a deleted key that comes back,
/// and the message size limit. Writes take <see cref="Latency"/> each, so transactions really overlap.
/// </summary>
public sealed class StoreTransactionRulesTests : SidecarTest
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(60);

    protected override DaprSidecarOptions Options => new() { StateOperationLatency = Latency, StateTimeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task A_transaction_that_meets_a_row_another_holds_spins_until_that_one_commits_then_fails_on_its_etag()
    {
        await Dapr.SaveStateAsync(Store, "doctor|1", "v0");
        var (_, etag) = await Dapr.GetStateAndETagAsync<string>(Store, "doctor|1");
        var first = Transaction(("doctor|1", etag), ("a|1", null), ("a|2", null), ("a|3", null));
        await Sidecar.WaitUntilRowHeldAsync("doctor|1");
        var clock = Stopwatch.StartNew();

        var second = await Assert.ThrowsAsync<DaprException>(() => Transaction(("doctor|1", etag)));

        clock.Elapsed.Should().BeGreaterThan(Latency, "a WriteConflict is not an answer: the driver reruns the transaction until the row is free");
        StatusOf(second).Should().Be(StatusCode.Internal);
        second.InnerException!.Message.Should().Contain("etag mismatch");
        await first;
        (await Dapr.GetStateAsync<string>(Store, "a|3")).Should().Be("x");
    }

    [Fact]
    public async Task A_row_held_past_the_resiliency_timeout_fails_the_spinning_transaction_with_the_deadline()
    {
        var holder = Transaction(Enumerable.Range(0, 45).Select(i => ($"busy|{(i == 0 ? "hot" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}", (string?)null)).ToArray());
        await Sidecar.WaitUntilRowHeldAsync("busy|hot");

        var spinning = await Assert.ThrowsAsync<DaprException>(() => Transaction(("busy|hot", null)));

        StatusOf(spinning).Should().Be(StatusCode.Internal);
        spinning.InnerException!.Message.Should().Contain("deadline exceeded");
        await FluentActions.Awaiting(() => holder).Should().ThrowAsync<DaprException>("the holder outlived the timeout too");
    }

    [Fact]
    public async Task A_key_deleted_by_one_transaction_comes_back_when_another_saves_it_with_the_etag_it_read()
    {
        await Dapr.SaveStateAsync(Store, "list|1", "[1,2]");
        var (_, etag) = await Dapr.GetStateAndETagAsync<string>(Store, "list|1");
        await Dapr.ExecuteStateTransactionAsync(Store, [new StateTransactionRequest("list|1", null, StateOperationType.Delete, etag)]);

        await Dapr.ExecuteStateTransactionAsync(Store, [new StateTransactionRequest("list|1", Encoding.UTF8.GetBytes("\"[1,2,3]\""), StateOperationType.Upsert, etag)]);

        (await Dapr.GetStateAsync<string>(Store, "list|1")).Should().Be("[1,2,3]", "MongoDB upserts on {_id, _etag}: a missing row is inserted");
    }

    [Fact]
    public async Task A_transaction_larger_than_4_MiB_is_refused_whole_with_ResourceExhausted()
    {
        var big = new string('x', 3 * 1024 * 1024);

        var refused = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("doc|1", Encoding.UTF8.GetBytes(big), StateOperationType.Upsert),
            new StateTransactionRequest("doc|2", Encoding.UTF8.GetBytes(big), StateOperationType.Upsert),
        ]));

        StatusOf(refused).Should().Be(StatusCode.ResourceExhausted);
        Sidecar.StoredStateKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task A_bulk_get_whose_answer_is_larger_than_4_MiB_fails_whole_with_ResourceExhausted_however_much_the_client_takes()
    {
        var value = Encoding.UTF8.GetBytes(new string('x', 1024 * 1024));
        foreach (var i in Enumerable.Range(0, 5))
        {
            await Dapr.SaveByteStateAsync(Store, $"doc|{i}", value);
        }

        using var channel = GrpcChannel.ForAddress(Sidecar.GrpcEndpoint, new GrpcChannelOptions { MaxReceiveMessageSize = null });
        var client = new Autogen.Dapr.DaprClient(channel);
        var request = new Autogen.GetBulkStateRequest { StoreName = Store };
        request.Keys.AddRange(Enumerable.Range(0, 5).Select(i => $"doc|{i}"));

        var failed = await Assert.ThrowsAsync<RpcException>(() => client.GetBulkStateAsync(request).ResponseAsync);
        var fewer = new Autogen.GetBulkStateRequest { StoreName = Store };
        fewer.Keys.AddRange(["doc|0", "doc|1"]);

        failed.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        (await client.GetBulkStateAsync(fewer)).Items.Should().HaveCount(2, "a read in chunks fits");
    }

    private Task Transaction(params (string Key, string? ETag)[] writes) =>
        Dapr.ExecuteStateTransactionAsync(Store, writes.Select(w => new StateTransactionRequest(w.Key, Encoding.UTF8.GetBytes("\"x\""), StateOperationType.Upsert, w.ETag)).ToList());
}

/// <summary>DAPR.md's third reading on PostgreSQL: a writer waits for the row, and opposite orders deadlock.</summary>
public sealed class PostgreSqlTransactionRulesTests : SidecarTest
{
    protected override DaprSidecarOptions Options => new()
    {
        StateStore = StateStoreKind.PostgreSql,
        // Long enough that each transaction takes its first row before the other takes its second, even on a busy machine.
        StateOperationLatency = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Two_transactions_locking_two_rows_in_opposite_orders_deadlock_and_one_fails()
    {
        var results = await Task.WhenAll(Attempt(("row|a", "row|b")), Attempt(("row|b", "row|a")));

        results.Should().ContainSingle(r => r == null, "PostgreSQL ends a deadlock by failing one of the transactions");
        var failure = results.Single(r => r != null)!;
        StatusOf(failure).Should().Be(StatusCode.Internal);
        failure.InnerException!.Message.Should().Contain("40P01");
    }

    [Fact]
    public async Task Two_transactions_locking_the_same_rows_in_one_order_both_commit_one_after_the_other()
    {
        var results = await Task.WhenAll(Attempt(("row|a", "row|b")), Attempt(("row|a", "row|b")));

        results.Should().OnlyContain(r => r == null, "the second waits for the first's rows instead");
    }

    private async Task<DaprException?> Attempt((string First, string Second) keys)
    {
        try
        {
            await Dapr.ExecuteStateTransactionAsync(Store,
            [
                new StateTransactionRequest(keys.First, Encoding.UTF8.GetBytes("\"x\""), StateOperationType.Upsert),
                new StateTransactionRequest(keys.Second, Encoding.UTF8.GetBytes("\"x\""), StateOperationType.Upsert),
            ]);
            return null;
        }
        catch (DaprException ex)
        {
            return ex;
        }
    }
}
