using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Appointments.Host.Audit;

/// <summary>One access to appointment data, or one refusal, as the audit log keeps it. No contact data.</summary>
/// <param name="Actor">The caller's <c>sub</c>; null when no token was accepted.</param>
/// <param name="Resource">The appointment id, the doctor, or the route.</param>
/// <param name="Outcome">The answer's status code.</param>
/// <param name="Client">The remote address.</param>
internal sealed record AuditEntry(DateTimeOffset At, string? Actor, string? Role, string Action, string Resource, int Outcome, string? Client);

/// <summary>
/// The audit log's lines: one JSON object each, <c>{"at", "actor", "role", "action", "resource", "outcome", "client",
/// "prev", "hash"}</c>, where <c>hash</c> is the SHA-256 (hex) of <c>prev</c> followed by the line's own bytes up to
/// <c>"prev":"…"</c> and a closing brace, and <c>prev</c> is the line before's <c>hash</c> (64 zeros for the first).
/// Removing, altering or reordering a line breaks the chain at that line.
/// </summary>
internal static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    private const string HashMember = ",\"hash\":\"";

    /// <summary>
    /// Appends the line for <paramref name="entry"/> after <paramref name="prev"/>, its newline included, to
    /// <paramref name="lines"/>, and returns its hash. <paramref name="scratch"/> is where the hashed text is built: one
    /// writer passes the same one for every line, so it stops growing after the first (the JSON writer asks for room
    /// for the worst escaping of every string).
    /// </summary>
    public static string Append(AuditEntry entry, string prev, ArrayBufferWriter<byte> scratch, IBufferWriter<byte> lines)
    {
        // The hash covers prev followed by the line: prev is written first, so one call hashes both.
        scratch.ResetWrittenCount();
        scratch.Advance(Encoding.ASCII.GetBytes(prev, scratch.GetSpan(prev.Length)));
        Span<char> at = stackalloc char[28];
        entry.At.UtcDateTime.TryFormat(at, out var atLength, "O", CultureInfo.InvariantCulture);
        using (var json = new Utf8JsonWriter(scratch))
        {
            json.WriteStartObject();
            json.WriteString("at", at[..atLength]);
            json.WriteString("actor", entry.Actor);
            json.WriteString("role", entry.Role);
            json.WriteString("action", entry.Action);
            json.WriteString("resource", entry.Resource);
            json.WriteNumber("outcome", entry.Outcome);
            json.WriteString("client", entry.Client);
            json.WriteString("prev", prev);
            json.WriteEndObject();
        }

        var hash = Hash(scratch.WrittenSpan);
        var unhashed = scratch.WrittenSpan[prev.Length..^1];
        var length = unhashed.Length + HashMember.Length + hash.Length + 3;
        var line = lines.GetSpan(length);
        unhashed.CopyTo(line);
        var rest = line[unhashed.Length..];
        rest = rest[Encoding.ASCII.GetBytes(HashMember, rest)..];
        rest = rest[Encoding.ASCII.GetBytes(hash, rest)..];
        "\"}\n"u8.CopyTo(rest);
        lines.Advance(length);
        return hash;
    }

    /// <summary>
    /// Checks one line against the hash before it: its own hash when it holds, else why not. A line is checked as
    /// written, byte for byte: re-encoding it (a pretty printer, a changed member) breaks it too.
    /// </summary>
    public static (string? Hash, string? Problem) Check(string line, string prev)
    {
        var at = line.LastIndexOf(HashMember, StringComparison.Ordinal);
        if (at < 0 || !line.EndsWith("\"}", StringComparison.Ordinal) || line.Length - at - HashMember.Length - 2 != 64)
        {
            return (null, "it is not an audit line (no hash at its end)");
        }

        string? linePrev;
        try
        {
            using var document = JsonDocument.Parse(line);
            linePrev = document.RootElement.TryGetProperty("prev", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        }
        catch (JsonException)
        {
            return (null, "it is not JSON");
        }

        if (linePrev != prev)
        {
            return (null, "its prev is not the hash of the line before it (a line was removed, added or reordered)");
        }

        var hash = line[(at + HashMember.Length)..^2];
        var expected = Hash(Encoding.UTF8.GetBytes(prev + line[..at] + "}"));
        return expected == hash ? (hash, null) : (null, "its hash does not match its content (the line was altered)");
    }

    /// <summary>The chain's one rule, for writing and checking alike: the hash of <c>prev</c> followed by the unhashed line.</summary>
    private static string Hash(ReadOnlySpan<byte> prevAndLine) => Convert.ToHexStringLower(SHA256.HashData(prevAndLine));
}
