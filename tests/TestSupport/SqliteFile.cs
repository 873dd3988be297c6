using Microsoft.Data.Sqlite;

namespace Appointments.TestSupport;

/// <summary>
/// A state store's SQLite file read as a user with the sqlite3 shell would: which keys it holds and how big each value is,
/// so a test sees what a change really wrote.
/// </summary>
public sealed class SqliteFile(string path)
{
    /// <summary>Every key and its value's size in bytes, with the etag that says when it was last written.</summary>
    public IReadOnlyDictionary<string, (int Bytes, string ETag)> Keys()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, length(value), etag FROM state";
        using var reader = command.ExecuteReader();
        var keys = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            keys[reader.GetString(0)] = (reader.GetInt32(1), reader.GetString(2));
        }

        return keys;
    }

    /// <summary>
    /// The file's pages, after copying every change in its write-ahead log into it: two readings tell how many pages a
    /// change dirtied, which is what it cost in writes (a commit writes every page it touched, whole).
    /// </summary>
    public IReadOnlyList<byte[]> Pages()
    {
        int pageSize;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(FULL); PRAGMA page_size;";
            using var reader = command.ExecuteReader();
            reader.Read();

            // A checkpoint that could not copy every frame would leave the file behind the store and undercount.
            if (reader.GetInt32(0) != 0 || reader.GetInt64(1) != reader.GetInt64(2))
            {
                throw new InvalidOperationException($"The checkpoint of {path} did not complete: busy {reader.GetInt32(0)}, {reader.GetInt64(2)} of {reader.GetInt64(1)} frames.");
            }

            reader.NextResult();
            reader.Read();
            pageSize = reader.GetInt32(0);
        }

        var bytes = File.ReadAllBytes(path);
        return [.. Enumerable.Range(0, bytes.Length / pageSize).Select(i => bytes.AsSpan(i * pageSize, pageSize).ToArray())];
    }

    /// <summary>How many pages differ between two <see cref="Pages"/> readings, pages added to the file included.</summary>
    public static int Changed(IReadOnlyList<byte[]> before, IReadOnlyList<byte[]> after) =>
        after.Where((page, i) => i >= before.Count || !page.AsSpan().SequenceEqual(before[i])).Count();

    /// <summary>The keys a change wrote: new ones, and ones whose etag moved, between two <see cref="Keys"/> readings.</summary>
    public static IReadOnlyDictionary<string, int> Written(IReadOnlyDictionary<string, (int Bytes, string ETag)> before, IReadOnlyDictionary<string, (int Bytes, string ETag)> after) =>
        after.Where(k => !before.TryGetValue(k.Key, out var was) || was.ETag != k.Value.ETag).ToDictionary(k => k.Key, k => k.Value.Bytes, StringComparer.Ordinal);

    /// <summary>The keys a change deleted.</summary>
    public static IReadOnlyList<string> Deleted(IReadOnlyDictionary<string, (int Bytes, string ETag)> before, IReadOnlyDictionary<string, (int Bytes, string ETag)> after) =>
        before.Keys.Where(k => !after.ContainsKey(k)).ToList();
}
