using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Concurrency = Dapr.Client.Autogen.Grpc.v1.StateOptions.Types.StateConcurrency;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// The state API as daprd serves it over a MongoDB (replica set) state store. See DAPR.md, "State".
/// One lock guards the data: every call is atomic, and a transaction sees its own earlier operations.
/// </summary>
internal sealed class StateService(string appId, string storeName)
{
    private const string StoreDown = "server selection error: connection refused";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public volatile bool Outage;

    public IReadOnlyCollection<string> StoredKeys
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys];
            }
        }
    }

    public GetStateResponse GetState(GetStateRequest request)
    {
        CheckStore(request.StoreName);
        var key = StoredKey(request.Key);
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry)
                ? new GetStateResponse { Data = ByteString.CopyFrom(entry.Value), Etag = entry.ETag }
                : new GetStateResponse();
        }
    }

    /// <summary>
    /// MongoDB has no bulk get: daprd reads key by key and puts a failed read's error in its item, so even during an
    /// outage the call succeeds. The SDK's <c>GetBulkStateAsync</c> drops that error: such an item reads as missing.
    /// </summary>
    public GetBulkStateResponse GetBulkState(GetBulkStateRequest request)
    {
        CheckStore(request.StoreName, failDuringOutage: false);
        var keys = request.Keys.Select(key => (Original: key, Stored: StoredKey(key))).ToList();
        var response = new GetBulkStateResponse();
        lock (_lock)
        {
            foreach (var (original, stored) in keys)
            {
                response.Items.Add(Outage
                    ? new BulkStateItem { Key = original, Error = StoreDown }
                    : _entries.TryGetValue(stored, out var entry)
                        ? new BulkStateItem { Key = original, Data = ByteString.CopyFrom(entry.Value), Etag = entry.ETag }
                        : new BulkStateItem { Key = original });
            }
        }

        return response;
    }

    public Google.Protobuf.WellKnownTypes.Empty SaveState(SaveStateRequest request)
    {
        CheckStore(request.StoreName);
        // With a replica set, daprd's MongoDB store saves several items in one transaction.
        var operations = request.States.Select(item => new Operation(StoredKey(item.Key), item, Delete: false)).ToList();
        if (!TryApply(operations, out var failed))
        {
            throw Mismatch("saving", failed);
        }

        return new();
    }

    public Google.Protobuf.WellKnownTypes.Empty DeleteState(DeleteStateRequest request)
    {
        CheckStore(request.StoreName);
        var item = new StateItem { Key = request.Key, Etag = request.Etag, Options = request.Options };
        if (!TryApply([new Operation(StoredKey(request.Key), item, Delete: true)], out var failed))
        {
            throw Mismatch("deleting", failed);
        }

        return new();
    }

    public Google.Protobuf.WellKnownTypes.Empty ExecuteStateTransaction(ExecuteStateTransactionRequest request)
    {
        CheckStore(request.StoreName);
        var operations = request.Operations.Select(operation => operation.OperationType switch
        {
            "upsert" => new Operation(StoredKey(operation.Request.Key), operation.Request, Delete: false),
            "delete" => new Operation(StoredKey(operation.Request.Key), operation.Request, Delete: true),
            _ => throw new RpcException(new Status(StatusCode.Unimplemented, $"operation type {operation.OperationType} not supported")),
        }).ToList();

        // MongoDB aborts the whole transaction and daprd reports Internal: the status does not say "conflict".
        if (!TryApply(operations, out var failed))
        {
            throw new RpcException(new Status(
                StatusCode.Internal,
                $"error while executing state transaction: error during transaction, aborting the transaction: key or etag not found: {failed}"));
        }

        return new();
    }

    private void CheckStore(string name, bool failDuringOutage = true)
    {
        if (name != storeName)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));
        }

        if (Outage && failDuringOutage)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"state store {name} failed: {StoreDown}"));
        }
    }

    private string StoredKey(string key) =>
        key.Contains("||", StringComparison.Ordinal)
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"input key/keyPrefix '{key}' can't contain '||'"))
            : $"{appId}||{key}";

    /// <summary>Applies all operations or none; <paramref name="failed"/> is the key whose condition did not hold.</summary>
    private bool TryApply(List<Operation> operations, out string failed)
    {
        lock (_lock)
        {
            var pending = new Dictionary<string, Entry?>(StringComparer.Ordinal);
            foreach (var operation in operations)
            {
                var current = pending.TryGetValue(operation.Key, out var written) ? written : _entries.GetValueOrDefault(operation.Key);
                if (!Holds(operation, current))
                {
                    failed = operation.Key;
                    return false;
                }

                pending[operation.Key] = operation.Delete
                    ? null
                    : new Entry(operation.Item.Value.ToByteArray(), Guid.NewGuid().ToString());
            }

            foreach (var (key, entry) in pending)
            {
                if (entry is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = entry;
                }
            }

            failed = string.Empty;
            return true;
        }
    }

    private static bool Holds(Operation operation, Entry? current)
    {
        // An empty ETag is no ETag.
        var etag = operation.Item.Etag?.Value is { Length: > 0 } value ? value : null;
        if (operation.Delete)
        {
            return etag is null || current?.ETag == etag;
        }

        if (etag is not null)
        {
            // MongoDB upserts on {_id, etag}: a missing key is inserted, an existing one must match.
            return current is null || current.ETag == etag;
        }

        return current is null || operation.Item.Options?.Concurrency != Concurrency.ConcurrencyFirstWrite;
    }

    private static RpcException Mismatch(string action, string key) =>
        new(new Status(
            StatusCode.Aborted,
            $"failed {action} state with key {key}: possible etag mismatch. error from state store: ETag mismatch"));

    private sealed record Entry(byte[] Value, string ETag);

    private sealed record Operation(string Key, StateItem Item, bool Delete);
}
