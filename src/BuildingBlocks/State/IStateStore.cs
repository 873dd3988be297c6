namespace Appointments.BuildingBlocks.State;

/// <summary>
/// The state-store port: Dapr's state semantics, so the SQLite adapter and the Dapr adapter mean the same thing.
/// <list type="bullet">
/// <item>A missing key reads as no value and ETag <c>""</c>; every write gives the key a new ETag.</item>
/// <item>A conflict (ETag mismatch, first-write on an existing key) is a result: <c>false</c>.</item>
/// <item>An outage is a <see cref="StateStoreUnavailableException"/>.</item>
/// <item>A save with an ETag on a key that does not exist inserts it on MongoDB and is a conflict on PostgreSQL: an
/// ETag is neither a "must exist" nor a "may create" test. Code that must not resurrect a record keeps a tombstone
/// instead of deleting it.</item>
/// <item>Every write with first-write operations creates at least one key whose value only it can write (the new
/// document, a claim with its own id): the Dapr adapter recognises its own write by its first-write values when the
/// sidecar's answer cannot be trusted.</item>
/// </list>
/// </summary>
public interface IStateStore
{
    Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads many keys at once; the result has one entry per requested key, in request order.</summary>
    Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies every operation or none. Returns <c>false</c> when any ETag or first-write condition fails;
    /// then nothing was written.
    /// </summary>
    Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);
}

/// <summary>A key's value and ETag. A missing key has <see cref="Value"/> <c>null</c> and ETag <c>""</c>.</summary>
public sealed record StateEntry(string Key, byte[]? Value, string ETag)
{
    public bool Exists => Value is not null;

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
