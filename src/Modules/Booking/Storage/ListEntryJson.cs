using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>
/// <see cref="IndexEntry"/> as stored: <c>[id, start, seconds?, holds?]</c>, the start in seconds since 1970 and the end
/// as seconds after the start, trailing defaults (an end of 0, not holding) left out. Written by hand, and as an array of
/// short numbers, because every booking parses the patient's month lists and rewrites one: named members and 18-digit
/// ticks would make an entry twice as long to store and to parse.
/// </summary>
internal sealed class IndexEntryJson : JsonConverter<IndexEntry>
{
    public override IndexEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ListEntryJson.ExpectArray(ref reader);
        var id = ListEntryJson.String(ref reader);
        var start = ListEntryJson.Seconds(ref reader, ListEntryJson.Epoch);
        var (end, holds) = (0L, false);
        if (ListEntryJson.Next(ref reader))
        {
            end = ListEntryJson.Ticks(ref reader, start);
            if (ListEntryJson.Next(ref reader))
            {
                holds = reader.GetBoolean();
                ListEntryJson.ExpectEnd(ref reader);
            }
        }

        return new IndexEntry(id, start, end, holds);
    }

    public override void Write(Utf8JsonWriter writer, IndexEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(value.Id);
        ListEntryJson.WriteSeconds(writer, value.Start, ListEntryJson.Epoch);
        if (value.End != 0 || value.Holds)
        {
            ListEntryJson.WriteSeconds(writer, value.End, value.Start);
        }

        if (value.Holds)
        {
            writer.WriteBooleanValue(true);
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// <see cref="DayEntry"/> as stored: <c>[id, start, seconds, status, expires?]</c>, times as in <see cref="IndexEntryJson"/>,
/// expires (a hold's) left out when there is none. Short for the same reason: every booking parses and rewrites its
/// doctor's day, and this way a busy day fits in one page of the SQLite file.
/// </summary>
internal sealed class DayEntryJson : JsonConverter<DayEntry>
{
    public override DayEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ListEntryJson.ExpectArray(ref reader);
        var id = ListEntryJson.String(ref reader);
        var start = ListEntryJson.Seconds(ref reader, ListEntryJson.Epoch);
        var end = ListEntryJson.Seconds(ref reader, start);
        var status = ListEntryJson.String(ref reader);
        long? expires = null;
        if (ListEntryJson.Next(ref reader))
        {
            expires = ListEntryJson.Ticks(ref reader, ListEntryJson.Epoch);
            ListEntryJson.ExpectEnd(ref reader);
        }

        return new DayEntry(id, start, end, status, expires);
    }

    public override void Write(Utf8JsonWriter writer, DayEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(value.Id);
        ListEntryJson.WriteSeconds(writer, value.Start, ListEntryJson.Epoch);
        ListEntryJson.WriteSeconds(writer, value.End, value.Start);
        writer.WriteStringValue(value.Status);
        if (value.Expires is { } expires)
        {
            ListEntryJson.WriteSeconds(writer, expires, ListEntryJson.Epoch);
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// The steps both entries share. A time is stored as seconds after another (<see cref="Epoch"/>, or the entry's start),
/// whole where it is whole and with its fraction where it is not, so every tick reads back as it was written.
/// </summary>
internal static class ListEntryJson
{
    /// <summary>1970-01-01, in ticks: what absolute times are stored after.</summary>
    public static readonly long Epoch = DateTime.UnixEpoch.Ticks;

    public static void ExpectArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected a list entry array, found {reader.TokenType}.");
        }
    }

    /// <summary>Moves to the entry's next element; false at the end of the entry.</summary>
    public static bool Next(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType != JsonTokenType.EndArray;

    public static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (Next(ref reader))
        {
            throw new JsonException("A list entry has more elements than it should.");
        }
    }

    public static string String(ref Utf8JsonReader reader)
    {
        Require(ref reader);
        return reader.GetString() ?? throw new JsonException("A list entry's text is null.");
    }

    /// <summary>The next element: a time stored as seconds after <paramref name="from"/> ticks.</summary>
    public static long Seconds(ref Utf8JsonReader reader, long from)
    {
        Require(ref reader);
        return Ticks(ref reader, from);
    }

    /// <summary>The current element: a time stored as seconds after <paramref name="from"/> ticks.</summary>
    public static long Ticks(ref Utf8JsonReader reader, long from)
    {
        try
        {
            Int128 since = reader.TryGetInt64(out var whole) ? (Int128)whole * TimeSpan.TicksPerSecond : (Int128)(reader.GetDecimal() * TimeSpan.TicksPerSecond);
            return checked((long)(since + from));
        }
        catch (OverflowException ex)
        {
            throw new JsonException("A list entry's time is beyond what ticks can hold.", ex);
        }
    }

    public static void WriteSeconds(Utf8JsonWriter writer, long ticks, long from)
    {
        var since = (Int128)ticks - from;
        if (since % TimeSpan.TicksPerSecond == 0)
        {
            writer.WriteNumberValue((long)(since / TimeSpan.TicksPerSecond));
        }
        else
        {
            writer.WriteNumberValue((decimal)since / TimeSpan.TicksPerSecond);
        }
    }

    private static void Require(ref Utf8JsonReader reader)
    {
        if (!Next(ref reader))
        {
            throw new JsonException("A list entry has fewer elements than it should.");
        }
    }
}
