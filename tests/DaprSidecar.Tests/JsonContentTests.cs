using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// Values saved with <c>contentType: application/json</c> (DAPR.md, "State": do not send it). Without the metadata the
/// bytes come back as sent (<see cref="StateRulesTests"/>); with it, daprd parses them and MongoDB writes them through
/// an aggregation-pipeline <c>$set</c>.
/// </summary>
public sealed class JsonContentTests : SidecarTest
{
    private static readonly Dictionary<string, string> Json = new() { ["contentType"] = "application/json" };

    [Fact]
    public async Task A_string_starting_with_a_dollar_is_a_field_path_so_the_member_is_silently_dropped()
    {
        await SaveAsync("patient", """{"name":"ana","email":"$x@example.com","phones":["$y","+1555"]}""");

        (await ReadAsync("patient")).Should().Be("""{"name":"ana","phones":[null,"+1555"]}""");
    }

    [Theory]
    [InlineData("""{"email":"$$x"}""")]
    [InlineData("""{"email":"$"}""")]
    [InlineData("""{"$set":1}""")]
    public async Task A_variable_a_bare_dollar_or_an_operator_member_fails_the_write_and_nothing_is_stored(string value)
    {
        var save = await Assert.ThrowsAsync<DaprException>(() => SaveAsync("doc", value));
        var transaction = await Assert.ThrowsAsync<DaprException>(() => Dapr.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("other", Encoding.UTF8.GetBytes("1"), StateOperationType.Upsert),
            new StateTransactionRequest("doc", Encoding.UTF8.GetBytes(value), StateOperationType.Upsert, metadata: Json),
        ]));

        StatusOf(save).Should().Be(StatusCode.Internal);
        StatusOf(transaction).Should().Be(StatusCode.Internal);
        Sidecar.StoredStateKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task Reads_come_back_re_encoded_by_Go_members_sorted_numbers_through_float64_and_html_characters_escaped()
    {
        await SaveAsync("doc", """{"b":1.0,"a":"<b>&</b>","c":12345678901234567890,"d":1e-7,"e":[true,null]}""");

        (await ReadAsync("doc")).Should().Be("""{"a":"\u003cb\u003e\u0026\u003c/b\u003e","b":1,"c":12345678901234567000,"d":1e-7,"e":[true,null]}""");
    }

    [Fact]
    public async Task A_JSON_string_value_is_stored_quoted_as_Go_quotes_it()
    {
        await SaveAsync("cell", "\"a1<\\u00e9>\"");

        (await ReadAsync("cell")).Should().Be("\"a1<é>\"");
    }

    [Fact]
    public async Task What_is_not_JSON_fails_the_save_before_the_store_sees_it()
    {
        var error = await Assert.ThrowsAsync<DaprException>(() => SaveAsync("doc", "{not json"));

        StatusOf(error).Should().Be(StatusCode.Unknown);
    }

    private Task SaveAsync(string key, string json) =>
        Dapr.SaveByteStateAsync(Store, key, Encoding.UTF8.GetBytes(json), metadata: Json);

    private async Task<string> ReadAsync(string key) =>
        Encoding.UTF8.GetString((await Dapr.GetByteStateAsync(Store, key)).ToArray());
}
