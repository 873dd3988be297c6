using System.Diagnostics;

namespace Appointments.Tests.DaprSidecar;

/// <summary>Why a transaction the store ran did not commit: a refused condition, a deadlock, or daprd's timeout.</summary>
internal sealed record TransactionFailure(string Message, StoreRefusal? Refusal = null);

/// <summary>
/// How MongoDB (a replica set) and PostgreSQL run a transaction (DAPR.md, "Third reading"): its writes one at a time,
/// each taking its row until the transaction ends, so two transactions on one row really meet.
/// <list type="bullet">
/// <item>MongoDB: a write to a row another transaction holds is a WriteConflict, and the driver's <c>WithTransaction</c>
/// runs the whole transaction again at once, with no backoff, until it gets through or daprd's resiliency timeout ends it.
/// Once the other one committed, the rerun meets the new ETag: a mismatch, which aborts.</item>
/// <item>PostgreSQL (READ COMMITTED): a write waits for the row; two transactions that lock rows in opposite orders
/// deadlock, and one of them fails (SQLSTATE 40P01).</item>
/// </list>
/// </summary>
internal sealed class StoreTransactions(StateTable table)
{
    private readonly object _sync = new();
    private readonly Dictionary<string, long> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _waitsFor = [];
    private long _lastId;

    /// <summary>How long the store takes for each write of a transaction (a round trip inside the store).</summary>
    public TimeSpan OperationLatency { get; set; }

    /// <summary>daprd's resiliency timeout on the state store: a transaction still running then is answered as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a running transaction holds <paramref name="key"/>'s row now (for tests that must meet it there).</summary>
    public bool Holds(string key)
    {
        lock (_sync)
        {
            return _holders.ContainsKey(key);
        }
    }

    /// <summary>Runs the writes as one transaction; null when it committed (or, with <paramref name="apply"/> false, would have).</summary>
    public TransactionFailure? Run(IReadOnlyList<StoreWrite> writes, bool apply = true)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var id = Interlocked.Increment(ref _lastId);
            var held = new List<string>();
            try
            {
                var (failure, conflicted) = RunOnce(id, writes, held, clock, apply);
                if (!conflicted)
                {
                    return failure;
                }
            }
            finally
            {
                Release(id, held);
            }

            // MongoDB: WithTransaction runs the callback again at once.
            if (clock.Elapsed >= Timeout)
            {
                return new TransactionFailure("context deadline exceeded");
            }

            Thread.Yield();
        }
    }

    private (TransactionFailure? Failure, bool WriteConflict) RunOnce(long id, IReadOnlyList<StoreWrite> writes, List<string> held, Stopwatch clock, bool apply)
    {
        var pending = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (!held.Contains(write.Key))
            {
                var (taken, failure) = Take(id, write.Key, clock);
                if (failure is not null)
                {
                    return (failure, false);
                }

                if (!taken)
                {
                    return (null, true);
                }

                held.Add(write.Key);
            }

            if (OperationLatency > TimeSpan.Zero)
            {
                Thread.Sleep(OperationLatency);
            }

            if (table.Check(write, pending) is { } refusal)
            {
                return (new TransactionFailure(refusal.Message, refusal), false);
            }
        }

        if (clock.Elapsed >= Timeout)
        {
            return (new TransactionFailure("context deadline exceeded"), false);
        }

        table.Commit(pending, apply);
        return (null, false);
    }

    /// <summary>Takes <paramref name="key"/>'s row: false at once on MongoDB when another holds it; on PostgreSQL waits for it.</summary>
    private (bool Taken, TransactionFailure? Failure) Take(long id, string key, Stopwatch clock)
    {
        lock (_sync)
        {
            while (_holders.TryGetValue(key, out var holder) && holder != id)
            {
                if (table.Kind == StateStoreKind.MongoDB)
                {
                    return (false, null);
                }

                if (WaitsOn(holder, id))
                {
                    return (false, new TransactionFailure("ERROR: deadlock detected (SQLSTATE 40P01)"));
                }

                var left = Timeout - clock.Elapsed;
                _waitsFor[id] = holder;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_sync, left))
                {
                    _waitsFor.Remove(id);
                    return (false, new TransactionFailure("context deadline exceeded"));
                }
            }

            _waitsFor.Remove(id);
            _holders[key] = id;
            return (true, null);
        }
    }

    /// <summary>Whether <paramref name="from"/> waits, through others, on <paramref name="target"/>: taking its row would close a cycle.</summary>
    private bool WaitsOn(long from, long target)
    {
        for (var next = from; _waitsFor.TryGetValue(next, out var on);)
        {
            if (on == target)
            {
                return true;
            }

            next = on;
        }

        return false;
    }

    private void Release(long id, List<string> held)
    {
        lock (_sync)
        {
            foreach (var key in held)
            {
                if (_holders.TryGetValue(key, out var holder) && holder == id)
                {
                    _holders.Remove(key);
                }
            }

            _waitsFor.Remove(id);
            Monitor.PulseAll(_sync);
        }
    }
}
