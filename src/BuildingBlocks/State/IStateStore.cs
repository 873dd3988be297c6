namespace Appointments.BuildingBlocks.State;

/// <summary>
/// The state-store port: Dapr's state semantics, so the SQLite adapter and the Dapr adapter mean the same thing.
/// <list type="bullet">
/// <item>A missing key reads as no value and ETag <c>""</c>; every write gives the key a new ETag.</item>
/// <item>A conflict (ETag mismatch, first-write on an existing key) is a result: <c>false</c>.</item>
/// <item>An outage is a <see cref="StateStoreUnavailableException"/>.</item>
/// <item>A save with an ETag on a key that does not exist inserts it on MongoDB and is a conflict on PostgreSQL: an
/// ETag is neither a "must exist" nor a "may create" test. A list is therefore emptied, never deleted, while anyone
/// may still hold its ETag; a record that must not come back keeps a tombstone.</item>
/// <item>The first operation of a transaction is its <em>witness</em>: a create or save whose bytes only this write
/// produces (a new document, a claim with its own id), or whose presence means the write's purpose is met. A store
/// whose answer can be wrong either way (Dapr: a failed transaction may commit after the answer, a reported commit may
/// have failed) decides from the witness alone; a caller that retries compares it too before deciding anything else.</item>
/// <item>Reads and transactions stay within <see cref="StateLimits"/>, whatever the data: a sidecar refuses a message
/// over its size limit every time, and a long transaction outlasts its timeout every time.</item>
/// </list>
/// </summary>
public interface IStateStore
{
    Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads many keys at once; the result has one entry per requested key, in request order.</summary>
    Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies every operation or none. Returns <c>true</c> only when it was written, judged by the witness (the first
    /// operation) where the store's own answer cannot be trusted; <c>false</c> when any ETag or first-write condition
    /// failed, or when the store could not tell and the witness is not there (it may still appear: a caller that
    /// tries again reads it first).
    /// </summary>
    Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryExecuteAsync"/>, and the ETag of what the witness (the first operation, one that writes a value)
    /// wrote, so that a caller can answer with the written value and its version without reading it back. The ETag is
    /// null when nothing was written, or when the witness already holds something else (changed again since). A store
    /// that learns the ETag as it writes, or reads the witness anyway, answers without another call.
    /// </summary>
    Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        StateStoreWitness.ExecuteThenReadAsync(this, operations, cancellationToken);

    /// <summary>
    /// Whether a write gives its key the <see cref="StateOperation.NewETag"/> it carries. Then a caller knows a key's
    /// next ETag before the transaction is answered, and can queue a write conditioned on it behind that one. Dapr's
    /// stores choose their own ETags: false.
    /// </summary>
    bool KeepsGivenETags => false;
}

/// <summary>How a store that does not learn the witness's ETag as it writes finds it: by reading the witness back.</summary>
internal static class StateStoreWitness
{
    public static async Task<(bool Written, string? ETag)> ExecuteThenReadAsync(IStateStore store, IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (!await store.TryExecuteAsync(operations, cancellationToken))
        {
            return (false, null);
        }

        if (operations.Count == 0 || operations[0].Value is not { } value)
        {
            return (true, null);
        }

        var witness = await store.GetAsync(operations[0].Key, cancellationToken);
        return (true, witness.Holds(value) ? witness.ETag : null);
    }
}

/// <summary>How much one call may carry: keys a bulk read asks for, operations a background transaction holds.</summary>
public static class StateLimits
{
    /// <summary>Keys per bulk read: a few hundred small documents stay far below a sidecar's 4 MiB message limit.</summary>
    public const int KeysPerRead = 200;

    /// <summary>Operations per background transaction: applied one at a time, a few hundred finish well within a 5 s timeout.</summary>
    public const int OperationsPerTransaction = 200;
}

public static class StateStoreReads
{
    /// <summary>Reads any number of keys, <see cref="StateLimits.KeysPerRead"/> at a time; one entry per key, in order.</summary>
    public static async Task<IReadOnlyList<StateEntry>> GetManyAsync(this IStateStore store, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count <= StateLimits.KeysPerRead)
        {
            return await store.GetBulkAsync(keys, cancellationToken);
        }

        var entries = new List<StateEntry>(keys.Count);
        foreach (var chunk in keys.Chunk(StateLimits.KeysPerRead))
        {
            entries.AddRange(await store.GetBulkAsync(chunk, cancellationToken));
        }

        return entries;
    }
}

/// <summary>A key's value and ETag. A missing key has <see cref="Value"/> <c>null</c> and ETag <c>""</c>.</summary>
public sealed record StateEntry(string Key, byte[]? Value, string ETag)
{
    public bool Exists => Value is not null;

    /// <summary>Whether the key holds exactly <paramref name="value"/>: how a writer recognises its own witness.</summary>
    public bool Holds(ReadOnlySpan<byte> value) => Value is not null && Value.AsSpan().SequenceEqual(value);

    public static StateEntry Missing(string key) => new(key, null, string.Empty);
}

public enum StateOperationKind
{
    /// <summary>First-write with no ETag: succeeds only when the key does not exist.</summary>
    Create,

    /// <summary>Upsert; with an ETag, fails when the key exists with another ETag.</summary>
    Save,

    /// <summary>Delete; with an ETag, fails when the key is missing or has another ETag.</summary>
    Delete,
}

public sealed record StateOperation(StateOperationKind Kind, string Key, byte[]? Value, string? ETag)
{
    /// <summary>The ETag a create or save gives the key where the store keeps it (<see cref="IStateStore.KeepsGivenETags"/>); unique per write.</summary>
    public string? NewETag { get; init; }

    public static StateOperation Create(string key, byte[] value) => new(StateOperationKind.Create, key, value, null);

    /// <summary>Saves <paramref name="value"/>; a null or empty <paramref name="etag"/> means last write wins.</summary>
    public static StateOperation Save(string key, byte[] value, string? etag = null) =>
        new(StateOperationKind.Save, key, value, NullIfEmpty(etag));

    /// <summary>Deletes the key; a null or empty <paramref name="etag"/> means unconditionally.</summary>
    public static StateOperation Delete(string key, string? etag = null) =>
        new(StateOperationKind.Delete, key, null, NullIfEmpty(etag));

    private static string? NullIfEmpty(string? etag) => string.IsNullOrEmpty(etag) ? null : etag;
}

/// <summary>The store could not be reached or failed; the API answers 503.</summary>
public sealed class StateStoreUnavailableException : DependencyUnavailableException
{
    public StateStoreUnavailableException()
    {
    }

    public StateStoreUnavailableException(string message)
        : base(message)
    {
    }

    public StateStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
