using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// The store's SQLite file: one table of (key, value, etag) in WAL mode, and the connections to it,
/// each set up the same way.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteDatabase(SqliteStoreOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = true,
            DefaultTimeout = 30,
        };
        _connectionString = builder.ToString();

        // Both are per connection, so every connection sets them. Writers wait for each other instead of failing.
        _pragmas = $"PRAGMA synchronous = {Synchronous(options.Synchronous)}; PRAGMA busy_timeout = 30000;";
        EnsureDirectory(builder.DataSource);
        CreateSchema();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A command kept and run again with new parameter values: preparing SQL costs more than a lookup.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    public static StateStoreUnavailableException Unavailable(SqliteException ex) =>
        new($"SQLite state store failed: {ex.Message}", ex);

    private static string Synchronous(SqliteSynchronous synchronous) => synchronous switch
    {
        SqliteSynchronous.Full => "FULL",
        SqliteSynchronous.Normal => "NORMAL",
        _ => throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "Synchronous must be Full or Normal."),
    };

    private void CreateSchema()
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            // A rowid table, not WITHOUT ROWID. A WITHOUT ROWID row keeps at most ~1 KB in its page (a list spills
            // into overflow pages) and rows sit in key order (each new key of a booking dirties a page of its own).
            // Here rows of up to ~4 KB stay in their page, the rows one commit inserts are appended side by side at
            // the table's end, and only the key index, whose entries are small, is kept in key order.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS state (
                    key TEXT NOT NULL PRIMARY KEY,
                    value BLOB NOT NULL,
                    etag TEXT NOT NULL
                );
                """;
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw Unavailable(ex);
        }
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
}
