namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The embedded adapter: one table of (key, value, etag) in a SQLite file in WAL mode. Reads go through a
/// pool of prepared read connections (<see cref="SqliteReadPool"/>); writes through one write loop that commits
/// the transactions waiting at that moment together (<see cref="SqliteWriteLoop"/>).
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private readonly SqliteReadPool _reads;
    private readonly SqliteWriteLoop _writes;
    private bool _disposed;

    public SqliteStateStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = new SqliteDatabase(options);
        _reads = new SqliteReadPool(database);
        _writes = new SqliteWriteLoop(database);
    }

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var entries = await GetBulkAsync([key], cancellationToken);
        return entries[0];
    }

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<StateEntry>>([]);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_reads.Get(keys));
    }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        (await TryExecuteWitnessedAsync(operations, cancellationToken)).Written;

    public async Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return (true, null);
        }

        // A malformed operation is the caller's error, not a reason to fail the transactions batched with it.
        foreach (var operation in operations)
        {
            Validate(operation);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite(operations);
        ObjectDisposedException.ThrowIf(!_writes.TryEnqueue(write), this);

        // Cancelled while still queued: nothing is written. Once the write loop has taken it, it runs to the end.
        await using var registration = cancellationToken.Register(() => write.TryAbandon(cancellationToken));
        var written = await write.Result.Task;
        var witness = operations[0];
        var lasts = witness.Kind != StateOperationKind.Delete && !operations.Skip(1).Any(o => o.Key == witness.Key);
        return (written, written && lasts ? write.WitnessETag : null);
    }

    public bool KeepsGivenETags => true;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writes.Dispose();
        _reads.Dispose();
    }

    private static void Validate(StateOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        switch (operation.Kind)
        {
            case StateOperationKind.Create or StateOperationKind.Save when operation.Value is null:
                throw new ArgumentException($"Operation on '{operation.Key}' has no value.", nameof(operation));
            case StateOperationKind.Create or StateOperationKind.Save or StateOperationKind.Delete:
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown state operation.");
        }
    }
}
