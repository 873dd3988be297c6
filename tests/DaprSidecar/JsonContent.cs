using System.Text;
using Google.Protobuf.Collections;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// A value saved with the metadata <c>contentType: application/json</c> (DAPR.md, "State": do not send it). daprd parses
/// it; MongoDB then writes it through an aggregation-pipeline <c>$set</c>, where a string starting with <c>$</c> is a
/// field path (a missing one drops the member, or becomes null in an array) or a variable (<c>$$x</c> fails the write),
/// and a member starting with <c>$</c> is an operator; reads come back re-encoded by Go. PostgreSQL keeps Go's
/// re-encoding of a plain save; inside a transaction it keeps the bytes.
/// </summary>
internal static class JsonContent
{
    private static readonly object Missing = new();

    public static bool IsRequested(MapField<string, string> metadata) =>
        metadata.TryGetValue("contentType", out var type) && type == "application/json";

    /// <summary>The bytes the store keeps for <paramref name="parsed"/>, or the error its write fails with.</summary>
    public static (byte[]? Stored, string? Error) Store(StateStoreKind kind, object? parsed)
    {
        if (kind == StateStoreKind.PostgreSql)
        {
            return (GoJson.Marshal(parsed), null);
        }

        try
        {
            return parsed switch
            {
                // The component stores a Go string as strconv.Quote(value), which survives as text.
                string text => (Encoding.UTF8.GetBytes(GoJson.Quote(text)), null),
                List<object?> or SortedDictionary<string, object?> => (GoJson.Marshal(Evaluate(parsed)), null),
                _ => (GoJson.Marshal(parsed), null),
            };
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"error in updating document: {ex.Message}");
        }
    }

    private static object? Evaluate(object? value)
    {
        switch (value)
        {
            case string text when text.StartsWith('$'):
                if (text == "$")
                {
                    throw new InvalidOperationException("'$' by itself is not a valid FieldPath");
                }

                return text.StartsWith("$$", StringComparison.Ordinal)
                    ? throw new InvalidOperationException($"Use of undefined variable: {text[2..]}")
                    : Missing;
            case List<object?> list:
                return list.Select(item => Evaluate(item) is var evaluated && evaluated == Missing ? null : evaluated).ToList();
            case SortedDictionary<string, object?> map:
                var result = GoJson.NewObject();
                foreach (var (key, member) in map)
                {
                    if (key.StartsWith('$'))
                    {
                        throw new InvalidOperationException($"Unrecognized expression '{key}'");
                    }

                    if (Evaluate(member) is var evaluated && evaluated != Missing)
                    {
                        result[key] = evaluated;
                    }
                }

                return result;
            default:
                return value;
        }
    }
}
