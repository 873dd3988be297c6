using System.Text;
using System.Text.Json;

namespace Appointments.Booking.Storage;

/// <summary>
/// What the hand-written stored-form readers (<see cref="AppointmentJson"/>, <see cref="DeliveriesJson"/>) share: a
/// record's member names in the order they are written, and the values they hold, refused when of the wrong kind.
/// </summary>
internal sealed class StoredMembers(string record, string[] names)
{
    private readonly byte[][] _utf8 = [.. names.Select(Encoding.UTF8.GetBytes)];

    public string[] Names => names;

    public byte[] this[int member] => _utf8[member];

    /// <summary>The member the reader is at, trying the one written after the last first; -1 for one it does not know.</summary>
    public int Find(ref Utf8JsonReader reader, int next)
    {
        if (next < _utf8.Length && reader.ValueTextEquals(_utf8[next]))
        {
            return next;
        }

        for (var i = 0; i < _utf8.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Text members are left out when null, as the serializer leaves them, required ones too.</summary>
    public void WriteIfAny(Utf8JsonWriter writer, int member, string? text)
    {
        if (text is not null)
        {
            writer.WriteString(_utf8[member], text);
        }
    }

    public void WriteIfAny(Utf8JsonWriter writer, int member, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(_utf8[member], value);
        }
    }

    public string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A stored {record} holds {reader.TokenType} where text belongs."),
    };

    public DateTimeOffset? Time(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String when reader.TryGetDateTimeOffset(out var time) => time,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A stored {record} holds a time that is not one."),
    };

    public int? Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var number) => number,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A stored {record} holds a number that is not one."),
    };

    public T Required<T>(T? value, int member)
        where T : class =>
        value ?? throw new JsonException($"A stored {record} has no {names[member]}.");

    public T Required<T>(T? value, int member)
        where T : struct =>
        value ?? throw new JsonException($"A stored {record} has no {names[member]}.");

    public void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"A stored {record} holds {reader.TokenType} where {token} belongs.");
        }
    }
}
