using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Concurrency = Dapr.Client.Autogen.Grpc.v1.StateOptions.Types.StateConcurrency;
using Empty = Google.Protobuf.WellKnownTypes.Empty;

namespace Appointments.Tests.DaprSidecar;

/// <summary>How state calls fail: a store that is down or slower than the resiliency timeout, or no sidecar at all.</summary>
public enum StateFailure
{
    None,

    /// <summary>
    /// The store does not answer. daprd wraps the error of a get, save, delete or transaction as gRPC <c>Internal</c>,
    /// but passes a bulk get's through unwrapped: gRPC <c>Unknown</c>.
    /// </summary>
    StoreDown,

    /// <summary>
    /// The store is slower than the resiliency timeout: a bulk get fails with <c>DeadlineExceeded</c> (which the SDK
    /// raises as <see cref="OperationCanceledException"/>), everything else with <c>Internal</c>.
    /// </summary>
    StoreTimeout,

    /// <summary>
    /// Writes are slower than the resiliency timeout but land anyway: daprd's resiliency runner answers <c>Internal</c>
    /// at the timeout and leaves the operation running (<c>pkg/resiliency/policy.go</c>). Reads are answered.
    /// </summary>
    WriteLandsAfterTimeout,

    /// <summary>daprd is not there (starting, restarting): every state call fails with <c>Unavailable</c>.</summary>
    SidecarUnreachable,
}

/// <summary>
/// The state API as daprd serves it over its state store component (DAPR.md, "State"): key prefixing, which status
/// each failure gets, JSON content, and what MongoDB's <c>Multi</c> can report.
/// </summary>
internal sealed class StateService(string appId, string storeName, StateTable table)
{
    private readonly StoreTransactions _transactions = new(table);

    private const string Separator = "||";
    private const string StoreDownError = "server selection error: server selection timeout, current topology: connection refused";
    private const string Timeout = "context deadline exceeded";
    private const string TransactionFailed = "error while executing state transaction: error during transaction, aborting the transaction";

    private int _failure;
    private int _commitsToLose;
    private long _calls;

    public StateFailure Failure
    {
        get => (StateFailure)Volatile.Read(ref _failure);
        set => Volatile.Write(ref _failure, (int)value);
    }

    public IReadOnlyCollection<string> StoredKeys => table.Keys;

    /// <summary>How the store runs transactions and writes: how long each write takes, and daprd's timeout on them.</summary>
    public StoreTransactions Transactions => _transactions;

    /// <summary>Whether a transaction running now holds the row of <paramref name="key"/> (as the app names it).</summary>
    public bool HoldsRow(string key) => _transactions.Holds(StoredKey(key));

    /// <summary>State API calls served so far: reads, bulk reads, saves, deletes and transactions, one each.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The next <paramref name="count"/> transactions whose conditions hold are answered as committed and write nothing.</summary>
    public void LoseCommits(int count) => Interlocked.Add(ref _commitsToLose, count);

    public GetStateResponse GetState(GetStateRequest request)
    {
        Reachable();
        CheckStore(request.StoreName);
        var key = StoredKey(request.Key);
        if (StoreError() is { } error)
        {
            throw Fail(StatusCode.Internal, $"fail to get {request.Key} from state store {storeName}: {error}");
        }

        return table.Get(key) is { } entry
            ? new GetStateResponse { Data = ByteString.CopyFrom(entry.Value), Etag = entry.ETag }
            : new GetStateResponse();
    }

    /// <summary>One query for all keys: found items in the store's order, then the missing keys; a store error fails the whole call.</summary>
    public GetBulkStateResponse GetBulkState(GetBulkStateRequest request)
    {
        Reachable();
        CheckStore(request.StoreName);
        var keys = request.Keys.Select(StoredKey).ToList();
        var response = new GetBulkStateResponse();
        if (keys.Count == 0)
        {
            return response;
        }

        switch (Failure)
        {
            case StateFailure.StoreDown:
                throw Fail(StatusCode.Unknown, StoreDownError);
            case StateFailure.StoreTimeout:
                throw Fail(StatusCode.DeadlineExceeded, Timeout);
        }

        var found = table.Find(keys);
        var foundKeys = found.Select(item => item.Key).ToHashSet(StringComparer.Ordinal);
        response.Items.AddRange(found.Select(item => new BulkStateItem
        {
            Key = OriginalKey(item.Key),
            Data = ByteString.CopyFrom(item.Entry.Value),
            Etag = item.Entry.ETag,
        }));
        response.Items.AddRange(keys.Where(key => !foundKeys.Contains(key)).Select(key => new BulkStateItem { Key = OriginalKey(key) }));
        return response;
    }

    /// <summary>Each item is its own write, in parallel: some may succeed while others fail.</summary>
    public Empty SaveState(SaveStateRequest request)
    {
        Reachable();
        CheckStore(request.StoreName);
        var items = request.States.Select(item => (Item: item, Key: item.Key.Length == 0
            ? throw Fail(StatusCode.InvalidArgument, "state key cannot be empty")
            : StoredKey(item.Key))).ToList();
        if (items.Count == 0)
        {
            return new Empty();
        }

        // daprd parses JSON content itself, before the store sees it; what fails there is not wrapped.
        var values = items.Select(item => JsonContent.IsRequested(item.Item.Metadata)
            ? JsonContent.Store(table.Kind, Parse(item.Item.Value))
            : (Stored: item.Item.Value.ToByteArray(), Error: (string?)null)).ToList();
        if (StoreError() is { } error)
        {
            throw Fail(StatusCode.Internal, $"failed saving state in state store {storeName}: {error}");
        }

        LandThenTimeOut(
            items.Zip(values).Where(pair => pair.Second.Stored is not null).Select(pair => (IReadOnlyList<StoreWrite>)[Write(pair.First.Key, pair.First.Item, pair.Second.Stored)]),
            $"failed saving state in state store {storeName}");

        var refusals = items.Zip(values, (item, value) => value.Error is not null
                ? new StoreRefusal(item.Key, IsETagMismatch: false, value.Error)
                : Refusal(_transactions.Run([Write(item.Key, item.Item, value.Stored)]), item.Key))
            .OfType<StoreRefusal>()
            .ToList();
        if (refusals.Count > 0)
        {
            throw Fail(
                refusals.All(refusal => refusal.IsETagMismatch) ? StatusCode.Aborted : StatusCode.Internal,
                $"failed saving state in state store {storeName}: {string.Join("; ", refusals.Select(Describe))}");
        }

        return new Empty();
    }

    public Empty DeleteState(DeleteStateRequest request)
    {
        Reachable();
        CheckStore(request.StoreName);
        var key = StoredKey(request.Key);
        if (StoreError() is { } error)
        {
            throw Fail(StatusCode.Internal, $"failed deleting state with key {request.Key}: {error}");
        }

        var item = new StateItem { Key = request.Key, Etag = request.Etag, Options = request.Options };
        LandThenTimeOut([[Write(key, item, value: null)]], $"failed deleting state with key {request.Key}");
        if (Refusal(_transactions.Run([Write(key, item, value: null)]), key) is { } refusal)
        {
            throw Fail(refusal.IsETagMismatch ? StatusCode.Aborted : StatusCode.Internal, $"failed deleting state with key {request.Key}: {refusal.Message}");
        }

        return new Empty();
    }

    /// <summary>All or nothing; any failure is <c>Internal</c>, so the status never says "conflict".</summary>
    public Empty ExecuteStateTransaction(ExecuteStateTransactionRequest request)
    {
        Reachable();
        CheckStore(request.StoreName);
        var writes = request.Operations.Select(operation => operation.OperationType switch
        {
            "upsert" => Write(StoredKey(operation.Request.Key), operation.Request, TransactionValue(operation.Request)),
            "delete" => Write(StoredKey(operation.Request.Key), operation.Request, value: null),
            _ => throw Fail(StatusCode.Unimplemented, $"operation type {operation.OperationType} not supported"),
        }).ToList();
        if (StoreError() is { } error)
        {
            throw Fail(StatusCode.Internal, $"error while executing state transaction: {error}");
        }

        LandThenTimeOut([writes], "error while executing state transaction");

        var lose = TakeLostCommit();
        if (_transactions.Run(writes, apply: !lose) is { } failure)
        {
            if (lose)
            {
                Interlocked.Increment(ref _commitsToLose);
            }

            throw Fail(StatusCode.Internal, $"{TransactionFailed}: {(failure.Refusal is { } refusal ? Describe(refusal) : failure.Message)}");
        }

        return new Empty();
    }

    /// <summary>A single write's failure as a refusal: an ETag mismatch, or anything else the store said.</summary>
    private static StoreRefusal? Refusal(TransactionFailure? failure, string key) =>
        failure is null ? null : failure.Refusal ?? new StoreRefusal(key, IsETagMismatch: false, failure.Message);

    private string? StoreError() => Failure switch
    {
        StateFailure.StoreDown => StoreDownError,
        StateFailure.StoreTimeout => Timeout,
        _ => null,
    };

    /// <summary>For <see cref="StateFailure.WriteLandsAfterTimeout"/>: applies each batch whose conditions hold, then times out.</summary>
    private void LandThenTimeOut(IEnumerable<IReadOnlyList<StoreWrite>> batches, string message)
    {
        if (Failure == StateFailure.WriteLandsAfterTimeout)
        {
            foreach (var batch in batches)
            {
                table.TryApply(batch);
            }

            throw Fail(StatusCode.Internal, $"{message}: {Timeout}");
        }
    }

    private void Reachable()
    {
        Interlocked.Increment(ref _calls);
        if (Failure == StateFailure.SidecarUnreachable)
        {
            throw Fail(StatusCode.Unavailable, "Error connecting to subchannel: connection refused");
        }
    }

    private void CheckStore(string name)
    {
        if (name != storeName)
        {
            throw Fail(StatusCode.InvalidArgument, $"state store {name} is not found");
        }
    }

    /// <summary>MongoDB's <c>Multi</c> parses JSON content itself, and any failure fails the transaction; PostgreSQL keeps the bytes.</summary>
    private byte[] TransactionValue(StateItem item)
    {
        if (!JsonContent.IsRequested(item.Metadata) || table.Kind == StateStoreKind.PostgreSql)
        {
            return item.Value.ToByteArray();
        }

        try
        {
            var (stored, error) = JsonContent.Store(table.Kind, GoJson.Unmarshal(item.Value.ToByteArray()));
            return stored ?? throw Fail(StatusCode.Internal, $"{TransactionFailed}: {error}");
        }
        catch (FormatException ex)
        {
            throw Fail(StatusCode.Internal, $"{TransactionFailed}: {ex.Message}");
        }
    }

    /// <summary>daprd's own <c>json.Unmarshal</c> of a save's JSON content; its error is returned unwrapped, so gRPC <c>Unknown</c>.</summary>
    private static object? Parse(ByteString value)
    {
        try
        {
            return GoJson.Unmarshal(value.ToByteArray());
        }
        catch (FormatException ex)
        {
            throw Fail(StatusCode.Unknown, ex.Message);
        }
    }

    private static StoreWrite Write(string key, StateItem item, byte[]? value) =>
        new(key, value, item.Etag?.Value, item.Options?.Concurrency == Concurrency.ConcurrencyFirstWrite);

    private bool TakeLostCommit()
    {
        var left = Volatile.Read(ref _commitsToLose);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _commitsToLose, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    private string StoredKey(string key) =>
        key.Contains(Separator, StringComparison.Ordinal)
            ? throw Fail(StatusCode.InvalidArgument, $"input key/keyPrefix '{key}' can't contain '{Separator}'")
            : $"{appId}{Separator}{key}";

    private string OriginalKey(string storedKey) => storedKey[(appId.Length + Separator.Length)..];

    private static string Describe(StoreRefusal refusal) => $"key {refusal.Key}: {refusal.Message}";

    private static RpcException Fail(StatusCode status, string message) => new(new Status(status, message));
}
