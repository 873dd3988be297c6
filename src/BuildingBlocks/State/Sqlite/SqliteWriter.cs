using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The one writer connection with a prepared statement per kind of operation, reused across transactions.
/// Transactions take SQLite's write lock with BEGIN IMMEDIATE, so the ETag checks and the writes of one
/// transaction are atomic across threads and across processes sharing the file.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private const string SavepointName = "w";
    private readonly SqliteConnection _connection;

    private readonly SqliteCommand _create;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _save;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _deleteIf;

    public SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;

        // The write loop checkpoints instead, so that no COMMIT waits for a checkpoint.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint = 0;";
            pragma.ExecuteNonQuery();
        }

        _create = SqliteDatabase.Prepare(connection,
        "INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag) ON CONFLICT (key) DO NOTHING", "$key", "$value", "$etag");

        _upsert = SqliteDatabase.Prepare(connection, """
        INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag
        """, "$key", "$value", "$etag");

        // Like MongoDB: a given ETag must match an existing key, but a missing key is inserted.
        _save = SqliteDatabase.Prepare(connection, """
        INSERT INTO state (key, value, etag) VALUES ($key, $value, $etag)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag WHERE state.etag = $expected
        """, "$key", "$value", "$etag", "$expected");

        _delete = SqliteDatabase.Prepare(connection, "DELETE FROM state WHERE key = $key", "$key");
        _deleteIf = SqliteDatabase.Prepare(connection, "DELETE FROM state WHERE key = $key AND etag = $expected", "$key", "$expected");
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

    public void Dispose()
    {
        foreach (var command in new[] { _create, _upsert, _save, _delete, _deleteIf })
        {
            command.Dispose();
        }

        _connection.Dispose();
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
