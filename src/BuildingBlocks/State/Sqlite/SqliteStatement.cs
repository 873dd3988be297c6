using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// A statement prepared once on the writer's connection and run through SQLite's own calls: bind, step, reset.
/// <c>SqliteCommand.ExecuteNonQuery</c> builds a data reader and walks the command's statements on every call, and
/// <c>SqliteTransaction.Save</c> prepares its SQL anew; a booking runs about twenty statements, all on the one
/// thread that every write waits for.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public SqliteStatement Bind(int index, string value)
    {
        Check(raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    public SqliteStatement Bind(int index, ReadOnlySpan<byte> value)
    {
        // An empty span would bind NULL.
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    /// <summary>Runs the statement to its end; the number of rows it inserted, updated or deleted.</summary>
    public int Execute()
    {
        try
        {
            Check(raw.sqlite3_step(_statement));
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // Throws the SqliteException Microsoft.Data.Sqlite would, so callers handle one kind of failure.
    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
