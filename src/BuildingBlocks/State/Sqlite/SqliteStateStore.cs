using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The embedded adapter: one table of (key, value, etag) in a SQLite file in WAL mode.
/// Writes take SQLite's write lock with BEGIN IMMEDIATE, so the ETag checks and the writes of one
/// transaction are atomic across threads and across processes sharing the file.
/// <para>
/// Group commit: one writer loop applies the transactions waiting at that moment in one SQLite transaction,
/// each inside its own savepoint, so a transaction whose condition fails is rolled back alone, and every
/// caller is answered only after the COMMIT that holds its writes. The result is the same as running them one
/// after another; what is saved is the WAL frames and commit work they would each have repeated.
/// </para>
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private readonly string _connectionString;

    // Most transactions one commit takes: bounds the wait of the first one in a batch.
    private const int MaxBatch = 128;

    // One writer connection per process, used only by the write loop: SQLite serialises writers anyway, and
    // a queue is cheaper and fairer than spinning in SQLite's busy handler. Other processes still wait on the
    // file lock through the busy timeout.
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writeLoop;
    private Writer? _writer;

    // Checkpoints (copying the WAL back into the database file, with its fsyncs) run on their own connection
    // after every CheckpointEvery committed writes, instead of inside whichever COMMIT crossed SQLite's
    // auto-checkpoint threshold: a commit no longer waits for a checkpoint's fsync.
    private const int CheckpointEvery = 256;
    private readonly Channel<bool> _checkpointDue = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _checkpointLoop;
    private int _writesSinceCheckpoint;

    // A checkpoint running beside the writer rarely catches up with it, and SQLite only rewinds the WAL after a
    // checkpoint that did. Past this many WAL frames (16 MiB of 4 KiB pages) the write loop runs one itself,
    // between two batches: it copies only what the background checkpoints left, and the next commit rewinds the WAL.
    private const int CatchUpFrames = 4096;
    private int _catchUpDue;

    // Readers keep their connection and prepared statements between calls: preparing SQL and taking a
    // connection from the pool cost more than a lookup by primary key. A reader is used by one call at a time.
    private readonly ConcurrentBag<Reader> _readers = [];
    private volatile bool _disposed;

    public SqliteStateStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            DefaultTimeout = 30,
        };
        _connectionString = builder.ToString();
        EnsureDirectory(builder.DataSource);
        Initialise();
        _writeLoop = Task.Run(WriteLoopAsync);
        _checkpointLoop = Task.Run(CheckpointLoopAsync);
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
        Reader? reader = null;
        try
        {
            reader = _readers.TryTake(out var pooled) ? pooled : new Reader(Open());
            var result = reader.Get(keys);
            Return(reader);
            reader = null;
            return Task.FromResult<IReadOnlyList<StateEntry>>(result);
        }
        catch (SqliteException ex)
        {
            reader?.Dispose();
            throw Unavailable(ex);
        }
    }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return true;
        }

        // A malformed operation is the caller's error, not a reason to fail the transactions batched with it.
        foreach (var operation in operations)
        {
            Validate(operation);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite(operations);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);

        // Cancelled while still queued: nothing is written. Once the writer has taken it, it runs to the end.
        await using var registration = cancellationToken.Register(() => write.TryAbandon(cancellationToken));
        return await write.Result.Task;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writes.Writer.TryComplete();
        _writeLoop.Wait();
        _checkpointDue.Writer.TryComplete();
        _checkpointLoop.Wait();
        _writer?.Dispose();
        _writer = null;
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
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

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                if (write.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                Execute(batch);
                batch.Clear();
            }
        }
    }

    private void Execute(List<PendingWrite> batch)
    {
        try
        {
            _writer ??= new Writer(Open(), manualCheckpoints: true);
            if (Interlocked.Exchange(ref _catchUpDue, 0) == 1)
            {
                _writer.Checkpoint();
            }

            var results = _writer.TryExecute(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }

            _writesSinceCheckpoint += batch.Count;
            if (_writesSinceCheckpoint >= CheckpointEvery)
            {
                _writesSinceCheckpoint = 0;
                _checkpointDue.Writer.TryWrite(true);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Nothing of the batch was committed. Run its transactions one by one, so that a failure
            // belongs to the transaction that caused it, as without batching.
            ResetWriter();
            foreach (var write in batch)
            {
                Execute([write]);
            }
        }
        catch (SqliteException ex)
        {
            ResetWriter();
            batch[0].Result.TrySetException(Unavailable(ex));
        }
        catch (Exception ex)
        {
            ResetWriter();
            batch[0].Result.TrySetException(ex);
        }
    }

    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _checkpointDue.Reader.WaitToReadAsync())
            {
                _checkpointDue.Reader.TryRead(out _);
                try
                {
                    connection ??= Open();
                    using var command = connection.CreateCommand();

                    // PASSIVE: copies what it can without waiting for readers or the writer. With
                    // synchronous=NORMAL it syncs the WAL before copying and the database after.
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    using var result = command.ExecuteReader();
                    if (result.Read() && result.GetInt64(1) >= CatchUpFrames)
                    {
                        Volatile.Write(ref _catchUpDue, 1);
                    }
                }
                catch (SqliteException)
                {
                    // Nothing is lost: the frames stay in the WAL and the next checkpoint copies them.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void ResetWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private void Return(Reader reader)
    {
        _readers.Add(reader);

        // A call that raced Dispose must not leave an open connection behind.
        if (_disposed && _readers.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    private void Initialise()
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS state (
                    key TEXT NOT NULL PRIMARY KEY,
                    value BLOB NOT NULL,
                    etag TEXT NOT NULL
                ) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw Unavailable(ex);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        return connection;
    }

    private static void Configure(SqliteConnection connection)
    {
        // WAL + NORMAL: a committed transaction survives the process being killed; only a power
        // loss may take the last few back. Writers wait for each other instead of failing.
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
        command.ExecuteNonQuery();
    }

    private static void EnsureDirectory(string dataSource)
    {
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static StateStoreUnavailableException Unavailable(SqliteException ex) =>
        new($"SQLite state store failed: {ex.Message}", ex);

    /// <summary>A transaction waiting for the write loop. Taken by the loop or abandoned by its caller, never both.</summary>
    private sealed class PendingWrite(IReadOnlyList<StateOperation> operations)
    {
        private int _state;

        public IReadOnlyList<StateOperation> Operations { get; } = operations;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void TryAbandon(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Result.TrySetCanceled(cancellationToken);
            }
        }
    }

    /// <summary>The one writer connection with a prepared statement per kind of operation, reused across transactions.</summary>
    private sealed class Writer : IDisposable
    {
        private const string SavepointName = "w";
        private readonly SqliteConnection _connection;

        private readonly SqliteCommand _create;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _save;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _deleteIf;

        public Writer(SqliteConnection connection, bool manualCheckpoints)
        {
            _connection = connection;
            if (manualCheckpoints)
            {
                using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA wal_autocheckpoint = 0;";
                pragma.ExecuteNonQuery();
            }

            _create = Command(connection,
            "INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag) ON CONFLICT (key) DO NOTHING", "$key", "$value", "$etag");

            _upsert = Command(connection, """
            INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag
            """, "$key", "$value", "$etag");

            // Like MongoDB: a given ETag must match an existing key, but a missing key is inserted.
            _save = Command(connection, """
            INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag WHERE state.etag = $expected
            """, "$key", "$value", "$etag", "$expected");

            _delete = Command(connection, "DELETE FROM state WHERE key = $key", "$key");
            _deleteIf = Command(connection, "DELETE FROM state WHERE key = $key AND etag = $expected", "$key", "$expected");
        }

        public void Checkpoint()
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
        }

        /// <summary>One SQLite transaction for the whole batch; with more than one write, a savepoint each.</summary>
        public bool[] TryExecute(List<PendingWrite> batch)
        {
            var results = new bool[batch.Count];
            using var transaction = _connection.BeginTransaction(deferred: false);
            if (batch.Count == 1)
            {
                results[0] = TryApplyAll(transaction, batch[0].Operations);
                if (!results[0])
                {
                    transaction.Rollback();
                    return results;
                }
            }
            else
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    transaction.Save(SavepointName);
                    results[i] = TryApplyAll(transaction, batch[i].Operations);
                    if (!results[i])
                    {
                        transaction.Rollback(SavepointName);
                    }

                    transaction.Release(SavepointName);
                }
            }

            transaction.Commit();
            return results;
        }

        private bool TryApplyAll(SqliteTransaction transaction, IReadOnlyList<StateOperation> operations)
        {
            foreach (var operation in operations)
            {
                if (!Apply(transaction, operation))
                {
                    return false;
                }
            }

            return true;
        }

        public void Dispose()
        {
            foreach (var command in new[] { _create, _upsert, _save, _delete, _deleteIf })
            {
                command.Dispose();
            }

            _connection.Dispose();
        }

        private bool Apply(SqliteTransaction transaction, StateOperation operation)
        {
            SqliteCommand command;
            switch (operation.Kind)
            {
                case StateOperationKind.Create:
                    command = WithValue(_create, operation);
                    break;
                case StateOperationKind.Save when operation.ETag is null:
                    command = WithValue(_upsert, operation);
                    break;
                case StateOperationKind.Save:
                    command = WithValue(_save, operation);
                    command.Parameters[3].Value = operation.ETag;
                    break;
                case StateOperationKind.Delete when operation.ETag is null:
                    _delete.Parameters[0].Value = operation.Key;
                    _delete.Transaction = transaction;
                    _delete.ExecuteNonQuery();
                    return true;
                case StateOperationKind.Delete:
                    command = _deleteIf;
                    command.Parameters[0].Value = operation.Key;
                    command.Parameters[1].Value = operation.ETag;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown state operation.");
            }

            command.Transaction = transaction;
            return command.ExecuteNonQuery() == 1;
        }

        private static SqliteCommand WithValue(SqliteCommand command, StateOperation operation)
        {
            command.Parameters[0].Value = operation.Key;
            command.Parameters[1].Value = operation.Value ?? throw new ArgumentException($"Operation on '{operation.Key}' has no value.");
            command.Parameters[2].Value = Guid.NewGuid().ToString();
            return command;
        }
    }

    /// <summary>A read connection with prepared statements: one key by primary key, many keys through a JSON array.</summary>
    private sealed class Reader(SqliteConnection connection) : IDisposable
    {
        private readonly SqliteCommand _one = Command(connection, "SELECT key, value, etag FROM state WHERE key = $key", "$key");

        private readonly SqliteCommand _many = Command(connection,
            "SELECT key, value, etag FROM state WHERE key IN (SELECT value FROM json_each($keys))", "$keys");

        public StateEntry[] Get(IReadOnlyList<string> keys)
        {
            var result = new StateEntry[keys.Count];
            if (keys.Count == 1)
            {
                _one.Parameters[0].Value = keys[0];
                using var reader = _one.ExecuteReader();
                result[0] = reader.Read() ? Entry(reader) : StateEntry.Missing(keys[0]);
                return result;
            }

            _many.Parameters[0].Value = JsonSerializer.Serialize(keys, StateJson.Default.IReadOnlyListString);
            var found = new Dictionary<string, StateEntry>(keys.Count, StringComparer.Ordinal);
            using (var reader = _many.ExecuteReader())
            {
                while (reader.Read())
                {
                    var entry = Entry(reader);
                    found[entry.Key] = entry;
                }
            }

            for (var i = 0; i < keys.Count; i++)
            {
                result[i] = found.TryGetValue(keys[i], out var entry) ? entry : StateEntry.Missing(keys[i]);
            }

            return result;
        }

        public void Dispose()
        {
            _one.Dispose();
            _many.Dispose();
            connection.Dispose();
        }

        private static StateEntry Entry(SqliteDataReader reader) =>
            new(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2));
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StateJson : System.Text.Json.Serialization.JsonSerializerContext;
