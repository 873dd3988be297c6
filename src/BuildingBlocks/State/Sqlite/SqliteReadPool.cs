using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// Read connections kept with their prepared statements between calls: preparing SQL and taking a
/// connection from the pool cost more than a lookup by primary key. A reader is used by one call at a time.
/// </summary>
internal sealed class SqliteReadPool(SqliteDatabase database) : IDisposable
{
    private readonly ConcurrentBag<Reader> _readers = [];
    private volatile bool _disposed;

    public IReadOnlyList<StateEntry> Get(IReadOnlyList<string> keys)
    {
        Reader? reader = null;
        try
        {
            reader = _readers.TryTake(out var pooled) ? pooled : new Reader(database.Open());
            var result = reader.Get(keys);
            Return(reader);
            reader = null;
            return result;
        }
        catch (SqliteException ex)
        {
            reader?.Dispose();
            throw SqliteDatabase.Unavailable(ex);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
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

    /// <summary>
    /// A read connection with prepared statements: one key by primary key, a few keys by an <c>IN</c> list of that many
    /// parameters (the common reads: a document and its deliveries, a booking's lists), many keys through a JSON array.
    /// </summary>
    private sealed class Reader(SqliteConnection connection) : IDisposable
    {
        // Reads of up to this many keys get a statement of their own size: serialising keys to JSON and json_each cost
        // more than the lookups themselves.
        private const int FewKeys = 16;

        private readonly SqliteCommand _one = SqliteDatabase.Prepare(connection, "SELECT key, value, etag FROM state WHERE key = $key", "$key");

        private readonly SqliteCommand?[] _few = new SqliteCommand?[FewKeys + 1];

        private readonly SqliteCommand _many = SqliteDatabase.Prepare(connection,
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

            var command = keys.Count <= FewKeys ? Few(keys) : Many(keys);
            var found = new Dictionary<string, StateEntry>(keys.Count, StringComparer.Ordinal);
            using (var reader = command.ExecuteReader())
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
            foreach (var command in _few)
            {
                command?.Dispose();
            }

            _many.Dispose();
            connection.Dispose();
        }

        private SqliteCommand Few(IReadOnlyList<string> keys)
        {
            var command = _few[keys.Count] ??= SqliteDatabase.Prepare(connection,
                $"SELECT key, value, etag FROM state WHERE key IN ({string.Join(", ", Enumerable.Range(1, keys.Count).Select(i => $"$k{i}"))})",
                [.. Enumerable.Range(1, keys.Count).Select(i => $"$k{i}")]);
            for (var i = 0; i < keys.Count; i++)
            {
                command.Parameters[i].Value = keys[i];
            }

            return command;
        }

        private SqliteCommand Many(IReadOnlyList<string> keys)
        {
            _many.Parameters[0].Value = JsonSerializer.Serialize(keys, KeysJson.Default.IReadOnlyListString);
            return _many;
        }

        private static StateEntry Entry(SqliteDataReader reader) =>
            new(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2));
    }
}

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class KeysJson : JsonSerializerContext;
