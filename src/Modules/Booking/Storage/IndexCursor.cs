using System.Text.Json;

namespace Appointments.Booking.Storage;

/// <summary>
/// Reads a stored index list (a JSON array of <see cref="IndexEntry"/>) entry by entry, so a page that fills early
/// stops parsing: a month bucket of a busy patient holds hundreds of entries, and a page needs twenty-one.
/// </summary>
internal sealed class IndexCursor(byte[]? json)
{
    private JsonReaderState _state;
    private int _consumed;
    private bool _done = json is null;

    /// <summary>Adds entries that <paramref name="keep"/> accepts to <paramref name="into"/> until it holds <paramref name="count"/> or the list ends.</summary>
    public void TakeInto(List<IndexEntry> into, int count, Func<IndexEntry, bool> keep)
    {
        while (into.Count < count && Next() is { } entry)
        {
            if (keep(entry))
            {
                into.Add(entry);
            }
        }
    }

    private IndexEntry? Next()
    {
        if (_done)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json.AsSpan(_consumed), isFinalBlock: true, _state);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartArray && reader.CurrentDepth == 0)
        {
            reader.Read();
        }

        if (reader.TokenType is JsonTokenType.EndArray or JsonTokenType.Null or JsonTokenType.None)
        {
            _done = true;
            return null;
        }

        // Anything else is an entry: one that is not an array is refused by its converter rather than taken for the
        // list's end, which would hide the patient's appointments.
        var entry = JsonSerializer.Deserialize(ref reader, StorageJson.Default.IndexEntry);
        _consumed += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        return entry;
    }
}
