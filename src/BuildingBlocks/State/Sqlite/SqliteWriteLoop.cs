using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>
/// Group commit: one loop applies the transactions waiting at that moment in one SQLite transaction, each
/// inside its own savepoint, so a transaction whose condition fails is rolled back alone, and every caller is
/// answered only after the COMMIT that holds its writes. The result is the same as running them one after
/// another; what is saved is the WAL frames and commit work (and, with synchronous=FULL, the sync) they would
/// each have repeated.
/// <para>
/// One writer connection per process, used only by this loop: SQLite serialises writers anyway, and a queue is
/// cheaper and fairer than spinning in SQLite's busy handler. Other processes still wait on the file lock
/// through the busy timeout.
/// </para>
/// </summary>
internal sealed class SqliteWriteLoop : IDisposable
{
    // Most transactions one commit takes: bounds the wait of the first one in a batch.
    private const int MaxBatch = 128;

    // Checkpoints (copying the WAL back into the database file, with its syncs) run on their own connection
    // after every CheckpointEvery committed writes, instead of inside whichever COMMIT crossed SQLite's
    // auto-checkpoint threshold: a commit does not wait for a checkpoint's sync.
    private const int CheckpointEvery = 256;

    // A checkpoint running beside the writer rarely catches up with it, and SQLite only rewinds the WAL after a
    // checkpoint that did. Past this many WAL frames (16 MiB of 4 KiB pages) the write loop runs one itself,
    // between two batches: it copies only what the background checkpoints left, and the next commit rewinds the WAL.
    private const int CatchUpFrames = 4096;

    private readonly SqliteDatabase _database;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writeLoop;
    private SqliteWriter? _writer;

    private readonly Channel<bool> _checkpointDue = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _checkpointLoop;
    private int _writesSinceCheckpoint;
    private int _catchUpDue;

    public SqliteWriteLoop(SqliteDatabase database)
    {
        _database = database;
        _writeLoop = Task.Run(WriteLoopAsync);
        _checkpointLoop = Task.Run(CheckpointLoopAsync);
    }

    /// <summary>Queues the write; false once the loop is stopping.</summary>
    public bool TryEnqueue(PendingWrite write) => _writes.Writer.TryWrite(write);

    /// <summary>Answers every queued write, then closes the connections.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writeLoop.Wait();
        _checkpointDue.Writer.TryComplete();
        _checkpointLoop.Wait();
        ResetWriter();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                if (write.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                Execute(batch);
                batch.Clear();
            }
        }
    }

    private void Execute(List<PendingWrite> batch)
    {
        try
        {
            _writer ??= new SqliteWriter(_database.Open());
            if (Interlocked.Exchange(ref _catchUpDue, 0) == 1)
            {
                _writer.Checkpoint();
            }

            var results = _writer.TryExecute(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }

            _writesSinceCheckpoint += batch.Count;
            if (_writesSinceCheckpoint >= CheckpointEvery)
            {
                _writesSinceCheckpoint = 0;
                _checkpointDue.Writer.TryWrite(true);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Nothing of the batch was committed. Run its transactions one by one, so that a failure
            // belongs to the transaction that caused it, as without batching.
            ResetWriter();
            foreach (var write in batch)
            {
                Execute([write]);
            }
        }
        catch (SqliteException ex)
        {
            ResetWriter();
            batch[0].Result.TrySetException(SqliteDatabase.Unavailable(ex));
        }
        catch (Exception ex)
        {
            ResetWriter();
            batch[0].Result.TrySetException(ex);
        }
    }

    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _checkpointDue.Reader.WaitToReadAsync())
            {
                _checkpointDue.Reader.TryRead(out _);
                try
                {
                    connection ??= _database.Open();
                    using var command = connection.CreateCommand();

                    // PASSIVE: copies what it can without waiting for readers or the writer. It syncs the
                    // WAL before copying and the database after.
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    using var result = command.ExecuteReader();
                    if (result.Read() && result.GetInt64(1) >= CatchUpFrames)
                    {
                        Volatile.Write(ref _catchUpDue, 1);
                    }
                }
                catch (SqliteException)
                {
                    // Nothing is lost: the frames stay in the WAL and the next checkpoint copies them.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void ResetWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
