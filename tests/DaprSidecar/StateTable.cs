namespace Appointments.Tests.DaprSidecar;

/// <summary>Which state store component daprd runs; each keeps DAPR.md's rules for its store.</summary>
public enum StateStoreKind
{
    /// <summary><c>state.mongodb</c> on a replica set: the store this project deploys.</summary>
    MongoDB,

    /// <summary><c>state.postgresql</c> v2: a save with an ETag updates only, so a missing key is a mismatch.</summary>
    PostgreSql,
}

/// <summary>One write as the store component receives it (key already prefixed, value already converted).</summary>
internal sealed record StoreWrite(string Key, byte[]? Value, string? ETag, bool FirstWrite)
{
    public bool IsDelete => Value is null;
}

/// <summary>Why a write was refused: an ETag mismatch (daprd's <c>Aborted</c> outside transactions) or another error.</summary>
internal sealed record StoreRefusal(string Key, bool IsETagMismatch, string Message);

/// <summary>
/// The stored keys and the store's write rules (DAPR.md, "State"). One lock: each call is atomic, and a batch applies
/// all of its writes or none.
/// </summary>
internal sealed class StateTable(StateStoreKind kind)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);
    private long _writes;

    public StateStoreKind Kind => kind;

    public IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys];
            }
        }
    }

    public StoredEntry? Get(string key)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// The keys found, in the order the store's query returns them: MongoDB's <c>$in</c> on <c>_id</c> walks the
    /// index (key order), PostgreSQL's <c>key = ANY($1)</c> the heap (last written last). Never the request's order.
    /// </summary>
    public IReadOnlyList<(string Key, StoredEntry Entry)> Find(IEnumerable<string> keys)
    {
        lock (_lock)
        {
            var found = keys.Distinct(StringComparer.Ordinal)
                .Where(_entries.ContainsKey)
                .Select(key => (Key: key, Entry: _entries[key]));
            return kind == StateStoreKind.MongoDB
                ? [.. found.OrderBy(item => item.Key, StringComparer.Ordinal)]
                : [.. found.OrderBy(item => item.Entry.Written)];
        }
    }

    /// <summary>Applies every write or none, at once; returns the first refusal, or null when all were applied.</summary>
    public StoreRefusal? TryApply(IReadOnlyList<StoreWrite> writes, bool apply = true)
    {
        lock (_lock)
        {
            var pending = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                if (Check(write, pending) is { } refusal)
                {
                    return refusal;
                }
            }

            Commit(pending, apply);
            return null;
        }
    }

    /// <summary>
    /// Checks one write of a running transaction against the stored row, or what the transaction itself wrote there
    /// (<paramref name="pending"/>), and records it there when it passes.
    /// </summary>
    public StoreRefusal? Check(StoreWrite write, Dictionary<string, StoredEntry?> pending)
    {
        lock (_lock)
        {
            var current = pending.TryGetValue(write.Key, out var written) ? written : _entries.GetValueOrDefault(write.Key);
            if (Refuse(write, current) is { } refusal)
            {
                return refusal;
            }

            pending[write.Key] = write.IsDelete ? null : new StoredEntry(write.Value!, Guid.NewGuid().ToString(), 0);
            return null;
        }
    }

    /// <summary>Makes a transaction's writes visible at once (or, with <paramref name="apply"/> false, loses them).</summary>
    public void Commit(IReadOnlyDictionary<string, StoredEntry?> pending, bool apply)
    {
        lock (_lock)
        {
            if (!apply)
            {
                return;
            }

            foreach (var (key, entry) in pending)
            {
                if (entry is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = entry with { Written = ++_writes };
                }
            }
        }
    }

    private StoreRefusal? Refuse(StoreWrite write, StoredEntry? current)
    {
        // An empty ETag is no ETag. Both stores only ever hand out UUIDs, so anything else cannot match.
        var etag = string.IsNullOrEmpty(write.ETag) ? null : write.ETag;
        if (write.IsDelete)
        {
            return etag is null || current?.ETag == etag ? null : Mismatch(write.Key);
        }

        if (etag is not null)
        {
            // MongoDB upserts on {_id, _etag}: a missing key is inserted. PostgreSQL runs an UPDATE: nothing to update.
            return current?.ETag == etag || (current is null && kind == StateStoreKind.MongoDB) ? null : Mismatch(write.Key);
        }

        if (current is null || !write.FirstWrite)
        {
            return null;
        }

        // MongoDB's first-write filters on a random ETag, so the upsert hits the duplicate _id: a mismatch. PostgreSQL's
        // INSERT … ON CONFLICT DO UPDATE … WHERE expired updates no row, which it reports as a plain error.
        return kind == StateStoreKind.MongoDB
            ? Mismatch(write.Key)
            : new StoreRefusal(write.Key, IsETagMismatch: false, "no item was updated");
    }

    private static StoreRefusal Mismatch(string key) => new(key, IsETagMismatch: true, "possible etag mismatch. error from state store: ETag mismatch");
}

/// <param name="Written">When it was last written, in the table's own write order.</param>
internal sealed record StoredEntry(byte[] Value, string ETag, long Written);
