using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.BuildingBlocks.State.Dapr;

/// <summary>
/// The Dapr adapter: a Dapr state store component (MongoDB with a replica set, or another transactional store)
/// through the sidecar. Values travel as raw JSON bytes. See DAPR.md, "State", for the rules this relies on.
/// </summary>
public sealed class DaprStateStore : IStateStore
{
    public const string DefaultStoreName = "statestore";

    // Without it MongoDB keeps the JSON as a string instead of a document.
    private static readonly IReadOnlyDictionary<string, string> JsonContent =
        new Dictionary<string, string> { ["contentType"] = "application/json" };

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
            var (value, etag) = await _client.GetByteStateAndETagAsync(_storeName, key, metadata: JsonContent, cancellationToken: cancellationToken);
            return string.IsNullOrEmpty(etag) ? StateEntry.Missing(key) : new StateEntry(key, value.ToArray(), etag);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

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
            items = await _client.GetBulkStateAsync(_storeName, keys, parallelism: null, JsonContent, cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }

        var found = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        foreach (var item in items.Where(item => !string.IsNullOrEmpty(item.ETag)))
        {
            found[item.Key] = new StateEntry(item.Key, Encoding.UTF8.GetBytes(item.Value), item.ETag);
        }

        // daprd puts a failed read's error inside the bulk answer and the SDK drops it, so a key that could not be read
        // looks missing. Each key without an ETag is read again on its own, which fails as it should during an outage.
        return await Task.WhenAll(keys.Select(key =>
            found.TryGetValue(key, out var entry) ? Task.FromResult(entry) : GetAsync(key, cancellationToken)));
    }

    public Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return operations.Count switch
        {
            0 => Task.FromResult(true),
            1 => TryExecuteOneAsync(operations[0], cancellationToken),
            _ => TryExecuteTransactionAsync(operations, cancellationToken),
        };
    }

    /// <summary>
    /// The SDK's Try… methods return <c>false</c> on an ETag mismatch (gRPC Aborted) and throw otherwise. Some MongoDB
    /// component versions report a mismatch as a plain error (gRPC Internal), so a throw is checked like a failed
    /// transaction before it is called an outage.
    /// </summary>
    private async Task<bool> TryExecuteOneAsync(StateOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            return operation.Kind switch
            {
                StateOperationKind.Create => await _client.TrySaveByteStateAsync(
                    _storeName, operation.Key, ValueOf(operation), "", FirstWrite, JsonContent, cancellationToken),
                StateOperationKind.Save => await _client.TrySaveByteStateAsync(
                    _storeName, operation.Key, ValueOf(operation), operation.ETag ?? "", metadata: JsonContent, cancellationToken: cancellationToken),
                StateOperationKind.Delete => await _client.TryDeleteStateAsync(
                    _storeName, operation.Key, operation.ETag ?? "", cancellationToken: cancellationToken),
                _ => throw UnknownKind(operation),
            };
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            if (await FindConflictAsync([operation], cancellationToken))
            {
                return false;
            }

            throw Unavailable(ex);
        }
    }

    private async Task<bool> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        var requests = operations.Select(operation => operation.Kind switch
        {
            StateOperationKind.Create => new StateTransactionRequest(
                operation.Key, ValueOf(operation), StateOperationType.Upsert, "", JsonContent, FirstWrite),
            StateOperationKind.Save => new StateTransactionRequest(
                operation.Key, ValueOf(operation), StateOperationType.Upsert, operation.ETag, JsonContent),
            StateOperationKind.Delete => new StateTransactionRequest(
                operation.Key, null, StateOperationType.Delete, operation.ETag),
            _ => throw UnknownKind(operation),
        }).ToList();

        try
        {
            await _client.ExecuteStateTransactionAsync(_storeName, requests, cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            // A failed transaction is gRPC Internal whatever the cause: only the keys tell a conflict from an outage.
            if (await FindConflictAsync(operations, cancellationToken))
            {
                return false;
            }

            throw Unavailable(ex);
        }
    }

    /// <summary>
    /// Re-reads the keys the transaction had conditions on: a Create key that now exists, or an ETag-checked key whose
    /// ETag is not the expected one, means the transaction lost a race. Racy by nature, and that is fine: the state it
    /// reports is one the caller could have met anyway.
    /// </summary>
    private async Task<bool> FindConflictAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        var checkedOperations = operations.Where(operation => operation.Kind == StateOperationKind.Create || operation.ETag is not null).ToList();
        if (checkedOperations.Count == 0)
        {
            return false;
        }

        IReadOnlyList<StateEntry> entries;
        try
        {
            entries = await GetBulkAsync(checkedOperations.Select(operation => operation.Key).ToList(), cancellationToken);
        }
        catch (StateStoreUnavailableException)
        {
            return false;
        }

        return checkedOperations.Zip(entries).Any(pair => pair.First.Kind switch
        {
            StateOperationKind.Create => pair.Second.Exists,
            // MongoDB inserts a missing key even when an ETag is given, so only another ETag is a conflict.
            StateOperationKind.Save => pair.Second.Exists && pair.Second.ETag != pair.First.ETag,
            _ => pair.Second.ETag != pair.First.ETag,
        });
    }

    private static byte[] ValueOf(StateOperation operation) =>
        operation.Value ?? throw new ArgumentException($"Operation on '{operation.Key}' has no value.", nameof(operation));

    private static ArgumentOutOfRangeException UnknownKind(StateOperation operation) =>
        new(nameof(operation), operation.Kind, "Unknown state operation.");

    private static bool IsOutage(Exception exception) =>
        exception is DaprException or RpcException or HttpRequestException;

    private static StateStoreUnavailableException Unavailable(Exception exception) =>
        new($"Dapr state store failed: {exception.Message}", exception);
}
