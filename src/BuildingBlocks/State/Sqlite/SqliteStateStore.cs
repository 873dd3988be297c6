using System.Text;
using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The embedded adapter: one table of (key, value, etag) in a SQLite file in WAL mode.
/// Writes take SQLite's write lock with BEGIN IMMEDIATE, so the ETag checks and the writes of one
/// transaction are atomic across threads and across processes sharing the file.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private readonly string _connectionString;

    // One writer connection per process: SQLite serialises writers anyway, and waiting on a semaphore
    // is cheaper and fairer than spinning in SQLite's busy handler. Other processes still wait on the
    // file lock through the busy timeout.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

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
    }

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var entries = await GetBulkAsync([key], cancellationToken);
        return entries[0];
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT key, value, etag FROM state WHERE key IN (");
            for (var i = 0; i < keys.Count; i++)
            {
                sql.Append(i == 0 ? "$k0" : $",$k{i}");
                command.Parameters.AddWithValue($"$k{i}", keys[i]);
            }

            command.CommandText = sql.Append(')').ToString();
            var found = new Dictionary<string, StateEntry>(keys.Count, StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                found[key] = new StateEntry(key, (byte[])reader.GetValue(1), reader.GetString(2));
            }

            var result = new StateEntry[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                result[i] = found.TryGetValue(keys[i], out var entry) ? entry : StateEntry.Missing(keys[i]);
            }

            return result;
        }
        catch (SqliteException ex)
        {
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

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _writer ??= Open();
            using var transaction = _writer.BeginTransaction(deferred: false);
            foreach (var operation in operations)
            {
                if (!Apply(_writer, transaction, operation))
                {
                    transaction.Rollback();
                    return false;
                }
            }

            transaction.Commit();
            return true;
        }
        catch (SqliteException ex)
        {
            _writer?.Dispose();
            _writer = null;
            throw Unavailable(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writeLock.Dispose();
    }

    private static bool Apply(SqliteConnection connection, SqliteTransaction transaction, StateOperation operation)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$key", operation.Key);
        switch (operation.Kind)
        {
            case StateOperationKind.Create:
                command.CommandText = "INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag) ON CONFLICT (key) DO NOTHING";
                AddValue(command, operation);
                break;
            case StateOperationKind.Save when operation.ETag is null:
                command.CommandText = """
                    INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag
                    """;
                AddValue(command, operation);
                break;
            case StateOperationKind.Save:
                // Like MongoDB: a given ETag must match an existing key, but a missing key is inserted.
                command.CommandText = """
                    INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag WHERE state.etag = $expected
                    """;
                AddValue(command, operation);
                command.Parameters.AddWithValue("$expected", operation.ETag);
                break;
            case StateOperationKind.Delete when operation.ETag is null:
                command.CommandText = "DELETE FROM state WHERE key = $key";
                command.ExecuteNonQuery();
                return true;
            case StateOperationKind.Delete:
                command.CommandText = "DELETE FROM state WHERE key = $key AND etag = $expected";
                command.Parameters.AddWithValue("$expected", operation.ETag);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown state operation.");
        }

        return command.ExecuteNonQuery() == 1;
    }

    private static void AddValue(SqliteCommand command, StateOperation operation)
    {
        command.Parameters.AddWithValue("$value", operation.Value ?? throw new ArgumentException($"Operation on '{operation.Key}' has no value."));
        command.Parameters.AddWithValue("$etag", Guid.NewGuid().ToString());
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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
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
}
