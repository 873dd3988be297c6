namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>Where <see cref="SqliteStateStore"/> keeps its file and how hard it syncs it.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>A Microsoft.Data.Sqlite connection string; the file's folder is created if missing.</summary>
    public required string ConnectionString { get; set; }

    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}

/// <summary>SQLite's <c>PRAGMA synchronous</c>, in WAL mode.</summary>
public enum SqliteSynchronous
{
    /// <summary>Every COMMIT syncs the WAL: a write answered as done survives a power loss.</summary>
    Full,

    /// <summary>The WAL is synced at checkpoints only: a write survives the process being killed, but a power loss may take the last few back.</summary>
    Normal,
}
