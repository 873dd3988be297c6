using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Appointments.Host.Audit;

/// <summary>The <c>Audit:</c> section.</summary>
internal sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>The JSON-lines file the chain is appended to, or <c>-</c> for standard output (a cluster's log pipeline).</summary>
    public string File { get; set; } = "data/audit.jsonl";

    public bool ToStandardOutput => File == "-";
}

/// <summary>
/// Appends audit entries to the chain (<see cref="AuditChain"/>) off the request's path: requests put entries in a
/// channel, one writer hashes what is queued and writes it in one system call. Disposing the log (the
/// host's clean shutdown, after the server has stopped taking requests) writes every entry still queued. A file
/// the process died in the middle of writing ends in a torn line: it is cut off at start-up (it was never a whole
/// record) and the chain goes on from the last whole line.
/// </summary>
internal sealed class AuditLog : IAsyncDisposable
{
    // Requests wait for room rather than lose a line; the writer only falls this far behind under an I/O stall.
    private const int Capacity = 65_536;

    // Entries drained into one write, at most: a backlog is written in pieces rather than held in one buffer.
    private const int MaxBatchBytes = 256 * 1024;

    private readonly Channel<AuditEntry> _entries = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly ILogger<AuditLog> _logger;
    private readonly Task _writing;

    public AuditLog(IOptions<AuditOptions> options, ILogger<AuditLog> logger)
    {
        _logger = logger;
        var o = options.Value;
        var (stream, prev) = o.ToStandardOutput ? (Console.OpenStandardOutput(), AuditChain.Genesis) : OpenFile(o.File, logger);
        Description = o.ToStandardOutput ? "standard output" : Path.GetFullPath(o.File);
        _writing = Task.Run(() => WriteAsync(stream, prev));
    }

    /// <summary>Where the chain goes, for the start-up log.</summary>
    public string Description { get; }

    public ValueTask AppendAsync(AuditEntry entry) =>
        _entries.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _entries.Writer.WriteAsync(entry);

    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _writing;
    }

    private async Task WriteAsync(Stream stream, string prev)
    {
        await using (stream)
        {
            var reader = _entries.Reader;
            var batch = new ArrayBufferWriter<byte>(64 * 1024);
            var scratch = new ArrayBufferWriter<byte>(1024);
            while (await reader.WaitToReadAsync())
            {
                batch.ResetWrittenCount();
                while (batch.WrittenCount < MaxBatchBytes && reader.TryRead(out var entry))
                {
                    prev = AuditChain.Append(entry, prev, scratch, batch);
                }

                try
                {
                    // Synchronously, on this one writer: a write to the page cache takes less than handing it to
                    // another thread would.
                    stream.Write(batch.WrittenSpan);
                    stream.Flush();
                }
                catch (IOException ex)
                {
                    // A full disk: this batch's lines are lost; the operator must hear of it.
                    _logger.LogError(ex, "The audit log could not be written");
                }
            }
        }
    }

    /// <summary>The file opened for appending, and the hash its chain continues from.</summary>
    private static (Stream Stream, string Prev) OpenFile(string path, ILogger logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            // One writer per file: two processes appending to one chain would break it at every other line.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        }
        catch (IOException ex)
        {
            throw new IOException($"the audit log {Path.GetFullPath(path)} cannot be opened for appending (each process needs its own Audit:File): {ex.Message}", ex);
        }

        var (lastLine, wholeLength) = LastWholeLine(stream);
        if (wholeLength < stream.Length)
        {
            logger.LogWarning("The audit log {File} ended in a torn line ({Bytes} bytes, written when the process stopped mid-line); it is cut off and the chain goes on from the last whole line",
                Path.GetFullPath(path), stream.Length - wholeLength);
            stream.SetLength(wholeLength);
        }

        stream.Seek(0, SeekOrigin.End);
        var prev = lastLine is null ? AuditChain.Genesis : HashOf(lastLine);
        if (prev is null)
        {
            logger.LogWarning("The last line of the audit log {File} holds no hash; the chain starts again from zeros (audit verify will name that line)", Path.GetFullPath(path));
        }

        return (stream, prev ?? AuditChain.Genesis);
    }

    /// <summary>The last line ending in a newline, and where it ends.</summary>
    private static (string? Line, long WholeLength) LastWholeLine(FileStream stream)
    {
        var length = stream.Length;
        var tail = new byte[(int)Math.Min(length, 64 * 1024)];
        stream.Seek(length - tail.Length, SeekOrigin.Begin);
        stream.ReadExactly(tail);
        var end = Array.LastIndexOf(tail, (byte)'\n');
        if (end < 0)
        {
            return (null, tail.Length == length ? 0 : length);
        }

        var start = Array.LastIndexOf(tail, (byte)'\n', Math.Max(0, end - 1)) + 1;
        var line = end == 0 ? "" : Encoding.UTF8.GetString(tail, start, end - start);
        return (line, length - tail.Length + end + 1);
    }

    private static string? HashOf(string line)
    {
        const string member = ",\"hash\":\"";
        var at = line.LastIndexOf(member, StringComparison.Ordinal);
        return at >= 0 && line.Length - at - member.Length - 2 == 64 ? line[(at + member.Length)..^2] : null;
    }
}
