using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Host.Tests;

/// <summary>
/// What a hostile client sends, as FsCheck generators: text from every corner of Unicode (lone surrogates,
/// non-ASCII digits, controls), dates from year 1 to 9999 in every shape the API reads and some it does not,
/// JSON of any type in any field, bytes that are not UTF-8, and header values of any kind.
/// </summary>
internal static class HostileGen
{
    public static readonly string[] Fields =
        ["doctor", "date_time", "new_date_time", "slot", "email", "phone", "reminder_method", "status", "duration_minutes", "username", "reason", "visit_type"];

    /// <summary>Characters that have broken parsers before: each class is one element.</summary>
    private static readonly Gen<string> Piece = Gen.OneOf(
        Gen.Elements("a", "Z", "0", "9", "-", "_", ".", ":", "@", "+", " ", "|", "%", "/", "\"", "\\", "{", "}"),
        Gen.Elements("\n", "\r", "\t", "\0", "\u007f", "\u0085", "\u2028", "\u200b", "\ufeff", "\uffff", "\ufffd"),
        Gen.Choose(0xD800, 0xDFFF).Select(c => ((char)c).ToString()),
        Gen.Elements("０", "９", "٣", "۷", "१", "৪", "߀", "𝟘", "¹", "Ⅻ"),
        Gen.Elements("é", "ß", "Ω", "я", "中", "ﬁ", "e\u0301", "😀", "\U0001F3E5"),
        Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString()));

    public static readonly Gen<string> Text =
        Gen.Sized(size => Gen.Choose(0, Math.Max(1, size)).SelectMany(n => Gen.ArrayOf(Piece, n)).Select(string.Concat));

    /// <summary>Year 1 to 9999, parts sometimes out of range, separators and offsets of every kind, digits sometimes not ASCII.</summary>
    public static readonly Gen<string> Date =
        from year in Gen.Frequency((3, Gen.Choose(1, 9999)), (1, Gen.Elements(1, 2, 9998, 9999)))
        from month in Gen.Frequency((5, Gen.Choose(1, 12)), (1, Gen.Elements(0, 12, 13)))
        from day in Gen.Frequency((5, Gen.Choose(1, 28)), (1, Gen.Elements(0, 1, 29, 30, 31, 32)))
        from hour in Gen.Frequency((5, Gen.Choose(0, 23)), (1, Gen.Elements(0, 23, 24)))
        from minute in Gen.Elements(0, 5, 30, 50, 55, 59, 60)
        from separator in Gen.Elements(" ", "T", "t", "  ", "_")
        from seconds in Gen.Elements("", ":00", ":59", ":60", ":00.9999999", ":00.", ":00.12345678")
        from offset in Gen.Elements("", "", "Z", "z", "+00:00", "-00:00", "+14:00", "-14:00", "+23:59", "-23:59", "+01:60", "+0100")
        from nonAscii in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        let text = string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}-{day:00}{separator}{hour:00}:{minute:00}{seconds}{offset}")
        select nonAscii ? WideDigits(text) : text;

    /// <summary>Any JSON value, a few levels deep; strings escaped so lone surrogates survive into the body.</summary>
    public static readonly Gen<string> JsonValue = Gen.Sized(size => Value(Math.Min(size, 3)));

    /// <summary>A request body: mostly an object of the API's fields holding anything, sometimes anything at all.</summary>
    public static readonly Gen<byte[]> Body = Gen.Frequency(
        (6, ObjectOfFields.Select(Encoding.UTF8.GetBytes)),
        (1, JsonValue.Select(Encoding.UTF8.GetBytes)),
        (1, NotUtf8()),
        (1, Gen.Elements(
            new string('[', 65) + new string(']', 65),
            "{\"doctor\":" + new string('[', 200) + new string(']', 200) + "}",
            "{\"\\ud800\": 1}",
            "{\"doctor\": \"dr-a\", \"date_time\": \"9999-12-31 23:50:00\"}",
            "{\"doctor\": \"dr-a\", \"date_time\": \"9999-12-31T23:59:59.9999999-14:00\"}",
            "{\"doctor\": \"dr-a\", \"date_time\": \"0001-01-01T00:00:00+14:00\"}",
            "").Select(Encoding.UTF8.GetBytes)));

    /// <summary>Header values: printable ASCII, Latin-1, controls, and tokens that are almost right.</summary>
    public static readonly Gen<string> HeaderValue = Gen.OneOf(
        Text.Select(t => new string(t.Where(c => c is >= ' ' and <= '\u00ff' and not '\u007f').ToArray())),
        Gen.Elements("*", "\"\"", "W/\"x\"", "\"a\", \"b\"", "\"unterminated", ",,,", "W/", "Bearer", "Bearer ", "Basic YWxpY2U6c2VjcmV0",
            "Bearer a.b.c", "Bearer ....", "Bearer eyJhbGciOiJub25lIn0.e30.", "bearer x", new string('a', 10_000)));

    /// <summary>Query and path text percent-encoded byte by byte, so any bytes at all (not only UTF-8) reach the server.</summary>
    public static readonly Gen<string> Escaped = Gen.OneOf(
        Text.Select(t => PercentEncode(Encoding.UTF8.GetBytes(t))),
        Date.Select(d => PercentEncode(Encoding.UTF8.GetBytes(d))),
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(PercentEncode));

    private static Gen<string> ObjectOfFields =>
        from count in Gen.Choose(0, 6)
        from members in Gen.ArrayOf(Member, count)
        select "{" + string.Join(",", members) + "}";

    private static Gen<string> Member =>
        from name in Gen.Frequency((8, Gen.Elements(Fields)), (1, Text))
        from value in Gen.Frequency(
            (3, Date.Select(Quote)),
            (3, FieldLike.Select(Quote)),
            (2, Text.Select(Quote)),
            (2, JsonValue))
        select $"{Quote(name)}:{value}";

    private static Gen<string> FieldLike => Gen.Elements(
        "dr-house", "slot-17", "patient@example.com", "a@b.c", "+15555550100", "+15555550100\n", "+１５５５５５５０１００",
        "email", "sms", "none", "scheduled", "rescheduled", "cancelled", "completed", "no_show", "admin", "");

    private static Gen<string> Value(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("null", "true", "false", "0", "-0", "5", "30", "480", "481", "-1", "30.5", "1e400", "-1e400", "2147483648",
                "99999999999999999999999999", "0.0000000000000000000001"),
            Text.Select(Quote),
            Date.Select(Quote));
        if (depth <= 0)
        {
            return scalar;
        }

        var inner = Value(depth - 1);
        return Gen.Frequency(
            (4, scalar),
            (1, Gen.ListOf(inner).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.ListOf(Text.Zip(inner)).Select(members => "{" + string.Join(",", members.Select(m => $"{Quote(m.Item1)}:{m.Item2}")) + "}")));
    }

    private static Gen<byte[]> NotUtf8() =>
        from prefix in ObjectOfFields
        from bad in Gen.Elements<byte[]>([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80])
        select (byte[])[.. Encoding.UTF8.GetBytes("{\"doctor\": \"dr-"), .. bad, .. Encoding.UTF8.GetBytes("\", \"x\": " + prefix + "}")];

    /// <summary>A JSON string literal; surrogates (paired or lone) and controls as <c>\uXXXX</c> escapes.</summary>
    // FsCheck waits for each case's task; off the test's own thread, so that wait blocks nothing the case needs.
    public static Task Property<T>(Gen<T> inputs, Func<T, Task> property, int cases) =>
        Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), Prop.ForAll(inputs.ToArbitrary(), property)));

    public static void ShouldNotBeServerError(HttpResponseMessage response, string input) =>
        ((int)response.StatusCode).Should().BeLessThan(500, "no input may produce a 5xx; input: {0}", input);

    public static string Quote(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when c < ' ' || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    private static string WideDigits(string text) =>
        string.Concat(text.Select(c => char.IsAsciiDigit(c) ? ((char)('０' + (c - '0'))).ToString() : c.ToString()));

    private static string PercentEncode(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:X2}"));
}
