using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// JSON as daprd's Go code sees it: <c>json.Unmarshal</c> into <c>interface{}</c> (objects become maps, every number a
/// float64, a repeated member keeps its last value) and <c>json.Marshal</c> back (members sorted, floats in Go's
/// shortest form, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> escaped). Values are null, bool, double, string,
/// <see cref="List{T}"/> and <see cref="SortedDictionary{TKey, TValue}"/>.
/// </summary>
internal static class GoJson
{
    private static readonly IComparer<string> ByteOrder =
        Comparer<string>.Create((a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

    /// <exception cref="FormatException">Not JSON, or a number a float64 cannot hold.</exception>
    public static object? Unmarshal(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid character in JSON: {ex.Message}", ex);
        }
    }

    public static byte[] Marshal(object? value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static SortedDictionary<string, object?> NewObject() => new(ByteOrder);

    /// <summary>Go's <c>strconv.Quote</c>, which MongoDB's component applies to a value that is a JSON string.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            text.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                < 0x20 or 0x7F => $"\\x{rune.Value:x2}",
                _ when IsPrintable(rune) => rune.ToString(),
                <= 0xFFFF => $"\\u{rune.Value:x4}",
                _ => $"\\U{rune.Value:x8}",
            });
        }

        return text.Append('"').ToString();
    }

    private static object? Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ReadObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Read).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => double.Parse(element.GetRawText(), CultureInfo.InvariantCulture) is var number && double.IsFinite(number)
            ? number
            : throw new FormatException($"json: cannot unmarshal number {element.GetRawText()} into Go value of type float64"),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static SortedDictionary<string, object?> ReadObject(JsonElement element)
    {
        var map = NewObject();
        foreach (var member in element.EnumerateObject())
        {
            map[member.Name] = Read(member.Value);
        }

        return map;
    }

    private static void Write(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool flag:
                text.Append(flag ? "true" : "false");
                break;
            case double number:
                text.Append(Float(number));
                break;
            case string s:
                WriteString(text, s);
                break;
            case List<object?> list:
                text.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Write(text, list[i]);
                }

                text.Append(']');
                break;
            case SortedDictionary<string, object?> map:
                text.Append('{');
                var first = true;
                foreach (var (key, member) in map)
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, member);
                }

                text.Append('}');
                break;
            default:
                throw new ArgumentException($"Not a JSON value: {value.GetType()}", nameof(value));
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        text.Append('"');
    }

    /// <summary>encoding/json's float64: shortest digits, fixed notation unless below 1e-6 or from 1e21 on.</summary>
    private static string Float(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // "R" gives the shortest digits that read back as the same double, as Go's -1 precision does.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0 ? dot : mantissa.Length;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        // The value is 0.{digits} × 10^decimalPoint.
        var decimalPoint = point + exponent - leading;
        var sign = value < 0 ? "-" : "";
        var abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            var e = decimalPoint - 1;
            var fraction = digits.Length > 1 ? "." + digits[1..] : "";
            // Go writes at least two exponent digits; encoding/json then trims "e-07" to "e-7".
            var exponentText = e < 0 ? $"-{-e}" : $"+{e:00}";
            return $"{sign}{digits[0]}{fraction}e{exponentText}";
        }

        return sign + (decimalPoint <= 0
            ? "0." + new string('0', -decimalPoint) + digits
            : decimalPoint >= digits.Length
                ? digits + new string('0', decimalPoint - digits.Length)
                : digits[..decimalPoint] + "." + digits[decimalPoint..]);
    }

    private static bool IsPrintable(Rune rune) =>
        rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
}
