using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// The double as daprd over <c>state.postgresql</c> v2 (DAPR.md, "Other stores differ"): where it departs from MongoDB.
/// Everything else (prefixes, empty ETags, Aborted vs Internal, transactions) is as in <see cref="StateRulesTests"/>.
/// </summary>
public sealed class PostgreSqlStateRulesTests : SidecarTest
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    protected override DaprSidecarOptions Options => new() { StateStore = StateStoreKind.PostgreSql };

    [Fact]
    public async Task Saving_with_an_etag_on_a_missing_key_is_a_mismatch_not_an_insert()
    {
        var saved = await Dapr.TrySaveStateAsync(Store, "gone", "back", Guid.NewGuid().ToString());
        var inTransaction = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("gone", Encoding.UTF8.GetBytes("1"), StateOperationType.Upsert, Guid.NewGuid().ToString())]));

        saved.Should().BeFalse();
        StatusOf(inTransaction).Should().Be(StatusCode.Internal);
        Sidecar.StoredStateKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task First_write_on_an_existing_key_fails_with_Internal_because_no_row_was_updated()
    {
        await Dapr.SaveStateAsync(Store, "cell", "a");

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.TrySaveStateAsync(Store, "cell", "b", "", FirstWrite));

        StatusOf(error).Should().Be(StatusCode.Internal, "the SDK's Try… answers false only for Aborted");
        (await Dapr.GetStateAsync<string>(Store, "cell")).Should().Be("a");
    }

    [Fact]
    public async Task Saving_with_the_current_etag_updates()
    {
        await Dapr.SaveStateAsync(Store, "doc", "a");
        var (_, etag) = await Dapr.GetStateAndETagAsync<string>(Store, "doc");

        (await Dapr.TrySaveStateAsync(Store, "doc", "b", etag)).Should().BeTrue();
        (await Dapr.GetStateAsync<string>(Store, "doc")).Should().Be("b");
    }

    [Fact]
    public async Task Bulk_get_answers_found_keys_in_the_order_they_were_last_written_then_the_missing_ones()
    {
        await Dapr.SaveStateAsync(Store, "x1", 1);
        await Dapr.SaveStateAsync(Store, "x3", 3);
        await Dapr.SaveStateAsync(Store, "x1", 11);

        var items = await Dapr.GetBulkStateAsync(Store, ["x1", "x2", "x3"], parallelism: null);

        items.Select(i => i.Key).Should().Equal("x3", "x1", "x2");
    }

    [Fact]
    public async Task JSON_content_is_re_encoded_by_Go_with_dollar_strings_kept_and_kept_as_sent_inside_a_transaction()
    {
        var json = new Dictionary<string, string> { ["contentType"] = "application/json" };
        var value = Encoding.UTF8.GetBytes("""{"b":"$x","a":1.0}""");

        await Dapr.SaveByteStateAsync(Store, "saved", value, metadata: json);
        await Dapr.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("one", value, StateOperationType.Upsert, metadata: json),
            new StateTransactionRequest("two", value, StateOperationType.Upsert, metadata: json),
        ]);

        Encoding.UTF8.GetString((await Dapr.GetByteStateAsync(Store, "saved")).ToArray()).Should().Be("""{"a":1,"b":"$x"}""");
        (await Dapr.GetByteStateAsync(Store, "one")).ToArray().Should().Equal(value);
    }
}
