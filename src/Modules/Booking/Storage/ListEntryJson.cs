using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

/// <summary>
/// <see cref="IndexEntry"/> as stored: <c>{"id", "start", "end"?, "holds"?}</c>, end and holds left out when 0 and
/// false. Written by hand because every booking parses the patient's month lists, and System.Text.Json reads a record
/// through its constructor by way of an argument cache, which costs more than reading the four members here.
/// </summary>
internal sealed class IndexEntryJson : JsonConverter<IndexEntry>
{
    public override IndexEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ListEntryJson.ExpectObject(ref reader);
        var (id, start, end, holds) = ((string?)null, 0L, 0L, false);
        while (ListEntryJson.NextMember(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ListEntryJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("start"u8))
            {
                start = ListEntryJson.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("end"u8))
            {
                end = ListEntryJson.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("holds"u8))
            {
                reader.Read();
                holds = reader.GetBoolean();
            }
            else
            {
                ListEntryJson.SkipValue(ref reader);
            }
        }

        return new IndexEntry(id ?? throw new JsonException("An index entry has no id."), start, end, holds);
    }

    public override void Write(Utf8JsonWriter writer, IndexEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, value.Id);
        writer.WriteNumber("start"u8, value.Start);
        if (value.End != 0)
        {
            writer.WriteNumber("end"u8, value.End);
        }

        if (value.Holds)
        {
            writer.WriteBoolean("holds"u8, true);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// <see cref="DayEntry"/> as stored: <c>{"id", "s", "e", "st", "x"?}</c>, x (a hold's expiry) left out when there is
/// none. Written by hand for the same reason as <see cref="IndexEntryJson"/>: every booking parses its doctor's day.
/// </summary>
internal sealed class DayEntryJson : JsonConverter<DayEntry>
{
    public override DayEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ListEntryJson.ExpectObject(ref reader);
        var (id, start, end, status, expires) = ((string?)null, 0L, 0L, (string?)null, (long?)null);
        while (ListEntryJson.NextMember(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ListEntryJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("s"u8))
            {
                start = ListEntryJson.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("e"u8))
            {
                end = ListEntryJson.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("st"u8))
            {
                status = ListEntryJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("x"u8))
            {
                reader.Read();
                expires = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
            }
            else
            {
                ListEntryJson.SkipValue(ref reader);
            }
        }

        return new DayEntry(
            id ?? throw new JsonException("A day entry has no id."), start, end, status ?? throw new JsonException("A day entry has no status."), expires);
    }

    public override void Write(Utf8JsonWriter writer, DayEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, value.Id);
        writer.WriteNumber("s"u8, value.Start);
        writer.WriteNumber("e"u8, value.End);
        writer.WriteString("st"u8, value.Status);
        if (value.Expires is { } expires)
        {
            writer.WriteNumber("x"u8, expires);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The reading steps both entries share.</summary>
internal static class ListEntryJson
{
    public static void ExpectObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a list entry object, found {reader.TokenType}.");
        }
    }

    /// <summary>Moves to the next member's name; false at the end of the object.</summary>
    public static bool NextMember(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    public static string String(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetString() ?? throw new JsonException("A list entry's text member is null.");
    }

    public static long Int64(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetInt64();
    }

    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }
}
