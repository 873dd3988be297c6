using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The one writer connection with a prepared statement per kind of operation (<see cref="SqliteStatement"/>), reused
/// across transactions.
/// Transactions take SQLite's write lock with BEGIN IMMEDIATE, so the ETag checks and the writes of one
/// transaction are atomic across threads and across processes sharing the file.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;

    private readonly SqliteStatement _create;
    private readonly SqliteStatement _upsert;
    private readonly SqliteStatement _save;
    private readonly SqliteStatement _delete;
    private readonly SqliteStatement _deleteIf;
    private readonly SqliteStatement _savepoint;
    private readonly SqliteStatement _release;
    private readonly SqliteStatement _rollbackToSavepoint;

    public SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;

        // The write loop checkpoints instead, so that no COMMIT waits for a checkpoint.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint = 0;";
            pragma.ExecuteNonQuery();
        }

        _create = new SqliteStatement(connection,
            "INSERT INTO state (key, value, etag) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING");

        _upsert = new SqliteStatement(connection, """
            INSERT INTO state (key, value, etag) VALUES (?1, ?2, ?3)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag
            """);

        // Like MongoDB: a given ETag must match an existing key, but a missing key is inserted.
        _save = new SqliteStatement(connection, """
            INSERT INTO state (key, value, etag) VALUES (?1, ?2, ?3)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag WHERE state.etag = ?4
            """);

        _delete = new SqliteStatement(connection, "DELETE FROM state WHERE key = ?1");
        _deleteIf = new SqliteStatement(connection, "DELETE FROM state WHERE key = ?1 AND etag = ?2");
        _savepoint = new SqliteStatement(connection, "SAVEPOINT w");
        _release = new SqliteStatement(connection, "RELEASE w");
        _rollbackToSavepoint = new SqliteStatement(connection, "ROLLBACK TO w");
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
            results[0] = TryApplyAll(batch[0]);
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
                _savepoint.Execute();
                results[i] = TryApplyAll(batch[i]);
                if (!results[i])
                {
                    _rollbackToSavepoint.Execute();
                }

                _release.Execute();
            }
        }

        transaction.Commit();
        return results;
    }

    public void Dispose()
    {
        foreach (var statement in new[] { _create, _upsert, _save, _delete, _deleteIf, _savepoint, _release, _rollbackToSavepoint })
        {
            statement.Dispose();
        }

        _connection.Dispose();
    }

    private bool TryApplyAll(PendingWrite write)
    {
        var witness = write.Operations[0];
        foreach (var operation in ETagChecksFirst(write.Operations))
        {
            if (!Apply(operation, ReferenceEquals(operation, witness) ? write.WitnessETag : operation.NewETag ?? Guid.NewGuid().ToString()))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The operations with ETag checks first, when no key appears twice (then order cannot change the outcome). The
    /// condition that fails under load is an ETag of a list the caller read moments before; checking those first spares
    /// the writer the other statements of a transaction it will roll back, and every transaction queued behind it waits
    /// for that writer.
    /// </summary>
    private static IEnumerable<StateOperation> ETagChecksFirst(IReadOnlyList<StateOperation> operations)
    {
        var keys = new HashSet<string>(operations.Count, StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (!keys.Add(operation.Key))
            {
                return operations;
            }
        }

        return operations.Where(o => o.ETag is not null).Concat(operations.Where(o => o.ETag is null));
    }

    private bool Apply(StateOperation operation, string etag)
    {
        switch (operation.Kind)
        {
            case StateOperationKind.Create:
                return WithValue(_create, operation, etag).Execute() == 1;
            case StateOperationKind.Save when operation.ETag is null:
                return WithValue(_upsert, operation, etag).Execute() == 1;
            case StateOperationKind.Save:
                return WithValue(_save, operation, etag).Bind(4, operation.ETag).Execute() == 1;
            case StateOperationKind.Delete when operation.ETag is null:
                _delete.Bind(1, operation.Key).Execute();
                return true;
            case StateOperationKind.Delete:
                return _deleteIf.Bind(1, operation.Key).Bind(2, operation.ETag).Execute() == 1;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown state operation.");
        }
    }

    private static SqliteStatement WithValue(SqliteStatement statement, StateOperation operation, string etag) =>
        statement.Bind(1, operation.Key)
            .Bind(2, operation.Value ?? throw new ArgumentException($"Operation on '{operation.Key}' has no value."))
            .Bind(3, etag);
}
