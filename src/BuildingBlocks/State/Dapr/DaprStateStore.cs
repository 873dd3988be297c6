using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.BuildingBlocks.State.Dapr;

/// <summary>
/// The Dapr adapter: a Dapr state store component (MongoDB with a replica set, or PostgreSQL) through the sidecar.
/// Values travel as raw JSON bytes and are stored as sent. See DAPR.md, "State", for the rules this relies on.
/// </summary>
/// <remarks>
/// No <c>contentType: application/json</c> metadata is sent: with it MongoDB writes the value through an
/// aggregation-pipeline <c>$set</c>, which silently drops a string such as <c>"$x@example.com"</c> and fails on
/// <c>"$$x"</c>, and reads come back re-encoded.
/// </remarks>
public sealed class DaprStateStore : IStateStore
{
    public const string DefaultStoreName = "statestore";

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    private readonly DaprClient _client;
    private readonly string _storeName;

    public DaprStateStore(DaprClient client, string storeName = DefaultStoreName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        _client = client;
        _storeName = storeName;
    }

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var (value, etag) = await _client.GetByteStateAndETagAsync(_storeName, key, cancellationToken: cancellationToken);
            return string.IsNullOrEmpty(etag) ? StateEntry.Missing(key) : new StateEntry(key, value.ToArray(), etag);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>One query; it answers whole or fails whole. Items come in the store's order and are put back in the caller's.</summary>
    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        IReadOnlyList<BulkStateItem> items;
        try
        {
            items = await _client.GetBulkStateAsync(_storeName, keys, parallelism: null, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }

        var found = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        foreach (var item in items.Where(item => !string.IsNullOrEmpty(item.ETag)))
        {
            found[item.Key] = new StateEntry(item.Key, Encoding.UTF8.GetBytes(item.Value), item.ETag);
        }

        return keys.Select(key => found.GetValueOrDefault(key) ?? StateEntry.Missing(key)).ToList();
    }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return operations.Count switch
        {
            0 => true,
            1 => await TryExecuteOneAsync(operations[0], cancellationToken),
            _ => (await TryExecuteTransactionAsync(operations, cancellationToken)).Written,
        };
    }

    /// <summary>A transaction reads its witness back anyway: its ETag comes with that read, at no extra call.</summary>
    public Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return operations.Count > 1
            ? TryExecuteTransactionAsync(operations, cancellationToken)
            : StateStoreWitness.ExecuteThenReadAsync(this, operations, cancellationToken);
    }

    /// <summary>
    /// The SDK's Try… methods return <c>false</c> on an ETag mismatch (gRPC Aborted) and throw otherwise. PostgreSQL
    /// reports a first-write on an existing key as a plain error (gRPC Internal), and a timeout may come back although
    /// the write lands: a throw is decided by the key itself.
    /// </summary>
    private async Task<bool> TryExecuteOneAsync(StateOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            return operation.Kind switch
            {
                StateOperationKind.Create => await _client.TrySaveByteStateAsync(
                    _storeName, operation.Key, ValueOf(operation), "", FirstWrite, cancellationToken: cancellationToken),
                StateOperationKind.Save => await _client.TrySaveByteStateAsync(
                    _storeName, operation.Key, ValueOf(operation), operation.ETag ?? "", cancellationToken: cancellationToken),
                StateOperationKind.Delete => await _client.TryDeleteStateAsync(
                    _storeName, operation.Key, operation.ETag ?? "", cancellationToken: cancellationToken),
                _ => throw UnknownKind(operation),
            };
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken))
        {
            return await WitnessHoldsAsync(operation, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Keys go in ordinal order (stable for repeats of one key), so two transactions on PostgreSQL never lock the same
    /// rows in opposite orders. Neither answer is trusted: a failure may commit after daprd answered, and MongoDB's
    /// <c>Multi</c> discards a failed commit's error. The witness decides both.
    /// </summary>
    private async Task<(bool Written, string? ETag)> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        var requests = operations.OrderBy(operation => operation.Key, StringComparer.Ordinal).Select(operation => operation.Kind switch
        {
            StateOperationKind.Create => new StateTransactionRequest(
                operation.Key, ValueOf(operation), StateOperationType.Upsert, "", options: FirstWrite),
            StateOperationKind.Save => new StateTransactionRequest(
                operation.Key, ValueOf(operation), StateOperationType.Upsert, operation.ETag),
            StateOperationKind.Delete => new StateTransactionRequest(
                operation.Key, null, StateOperationType.Delete, operation.ETag),
            _ => throw UnknownKind(operation),
        }).ToList();

        try
        {
            await _client.ExecuteStateTransactionAsync(_storeName, requests, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken))
        {
            return await WitnessAsync(operations[0], ex, cancellationToken);
        }

        // A delete cannot witness anything (its key may have been missing all along): a reported commit is taken as it is.
        return operations[0].Kind == StateOperationKind.Delete ? (true, null) : await WitnessAsync(operations[0], null, cancellationToken);
    }

    /// <summary>
    /// Whether the witness holds its bytes now. A witness that is not there means "not written as far as anyone can tell":
    /// a conflict, a store that failed the write, or a commit still on its way, which the caller's next read sees. A delete
    /// witnesses nothing: after a failure it counts as not written. Only a witness that cannot be read is an outage.
    /// </summary>
    private async Task<bool> WitnessHoldsAsync(StateOperation witness, Exception? failure, CancellationToken cancellationToken) =>
        (await WitnessAsync(witness, failure, cancellationToken)).Written;

    /// <summary><see cref="WitnessHoldsAsync"/>, and the witness's ETag when it holds.</summary>
    private async Task<(bool Written, string? ETag)> WitnessAsync(StateOperation witness, Exception? failure, CancellationToken cancellationToken)
    {
        StateEntry entry;
        try
        {
            entry = await GetAsync(witness.Key, cancellationToken);
        }
        catch (StateStoreUnavailableException ex) when (failure is not null)
        {
            throw Unavailable(new AggregateException(failure, ex));
        }

        return witness.Kind != StateOperationKind.Delete && entry.Holds(witness.Value) ? (true, entry.ETag) : (false, null);
    }

    private static byte[] ValueOf(StateOperation operation) =>
        operation.Value ?? throw new ArgumentException($"Operation on '{operation.Key}' has no value.", nameof(operation));

    private static ArgumentOutOfRangeException UnknownKind(StateOperation operation) =>
        new(nameof(operation), operation.Kind, "Unknown state operation.");

    /// <summary>
    /// Every way the sidecar or the store can fail: a gRPC status (Internal, Unknown, Unavailable, …) wrapped by the
    /// SDK or not, and DeadlineExceeded, which the SDK raises as a cancellation that the caller did not ask for.
    /// </summary>
    private static bool IsOutage(Exception exception, CancellationToken cancellationToken) =>
        exception is DaprException or RpcException or HttpRequestException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static StateStoreUnavailableException Unavailable(Exception exception) =>
        new($"Dapr state store failed: {exception.Message}", exception);
}
