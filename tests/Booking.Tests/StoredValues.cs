using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Booking.Tests;

/// <summary>
/// What the stored-form tests of the hand-written converters share: the reflection serializer their bytes must
/// equal, and values of every kind a stored record holds, awkward ones included.
/// </summary>
internal static class StoredValues
{
    public static readonly JsonSerializerOptions ByReflection = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements("65f0c0ffee0123456789abcd", "", "scheduled", "sent", "\"", "\\", "<script>", "\u2028", "é中😀", "\0"),
        Gen.ArrayOf(Gen.OneOf(Gen.Choose(0, 0xD7FF), Gen.Choose(0xE000, 0xFFFF)).Select(c => (char)c)).Select(chars => new string(chars)));

    public static readonly Gen<string?> MaybeText = Gen.OneOf(Gen.Constant((string?)null), Text.Select(t => (string?)t));

    public static readonly Gen<DateTimeOffset> Time =
        from seconds in Gen.Choose(0, int.MaxValue)
        from ticks in Gen.OneOf(Gen.Constant(0), Gen.Choose(0, (int)TimeSpan.TicksPerSecond - 1))
        from minutes in Gen.OneOf(Gen.Constant(0), Gen.Choose(-14 * 60, 14 * 60))
        select new DateTimeOffset(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + ticks + TimeSpan.TicksPerDay, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));

    public static readonly Gen<DateTimeOffset?> MaybeTime = Gen.OneOf(Gen.Constant((DateTimeOffset?)null), Time.Select(t => (DateTimeOffset?)t));

    public static readonly Gen<int> Number = Gen.OneOf(Gen.Elements(0, 1, -1, 30, int.MaxValue, int.MinValue), Gen.Choose(int.MinValue, int.MaxValue));
}
