using System.Text;
using System.Text.Json;
using Appointments.Booking.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Booking.Tests;

/// <summary>
/// The entries of the doctors' day lists and the patients' month lists are read and written by hand
/// (<see cref="IndexEntryJson"/>, <see cref="DayEntryJson"/>): every entry reads back as it was written, whatever its
/// text (whole UTF-16: a lone surrogate is no text) and numbers, and they are stored as short arrays.
/// </summary>
public sealed class ListEntryJsonTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements("65f0c0ffee0123456789abcd", "", "held", "\"", "\\", "\u2028", "é中😀", "\0"),
        Gen.ArrayOf(Gen.OneOf(Gen.Choose(0, 0xD7FF), Gen.Choose(0xE000, 0xFFFF)).Select(c => (char)c)).Select(chars => new string(chars)));

    private static readonly Gen<long> Number = Gen.OneOf(Gen.Elements(0L, 1L, -1L, long.MaxValue, long.MinValue), Gen.Choose(int.MinValue, int.MaxValue).Select(n => (long)n * 7919),
        Gen.Choose(0, int.MaxValue).Select(seconds => DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond));

    [Fact]
    public void Any_index_entry_list_reads_back_as_written() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(
            Gen.ListOf(from id in Text from start in Number from end in Number from holds in Gen.Elements(true, false) select new IndexEntry(id, start, end, holds)).ToArbitrary(),
            entries => RoundTrip(entries.ToList(), StorageJson.Default.ListIndexEntry).Should().Equal(entries)));

    [Fact]
    public void Any_day_entry_list_reads_back_as_written() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(
            Gen.ListOf(from id in Text from start in Number from end in Number from status in Text from expires in Gen.OneOf(Gen.Constant((long?)null), Number.Select(n => (long?)n))
                       select new DayEntry(id, start, end, status, expires)).ToArbitrary(),
            entries => RoundTrip(entries.ToList(), StorageJson.Default.ListDayEntry).Should().Equal(entries)));

    [Fact]
    public void Entries_are_stored_as_short_arrays_with_times_in_seconds_and_without_defaults()
    {
        var eight = new DateTime(2031, 3, 1, 8, 0, 0, DateTimeKind.Utc).Ticks;
        var (half, fraction) = (TimeSpan.FromMinutes(30).Ticks, TimeSpan.FromMilliseconds(2.5).Ticks);

        Json([new IndexEntry("a", eight), new IndexEntry("b", eight, eight + half, true), new IndexEntry("c", eight + fraction, eight + half)], StorageJson.Default.ListIndexEntry)
            .Should().Be("""[["a",1930118400],["b",1930118400,1800,true],["c",1930118400.0025,1799.9975]]""");
        Json([new DayEntry("a", eight, eight + half, "scheduled"), new DayEntry("b", eight, eight + half, DayEntry.Held, eight + 2 * half)], StorageJson.Default.ListDayEntry)
            .Should().Be("""[["a",1930118400,1800,"scheduled"],["b",1930118400,1800,"held",1930122000]]""");
    }

    [Fact]
    public void An_entry_without_its_id_is_refused_not_read_as_empty()
    {
        var read = () => JsonSerializer.Deserialize("""[[1930118400]]"""u8, StorageJson.Default.ListIndexEntry);

        read.Should().Throw<JsonException>();
    }

    [Fact]
    public void A_month_list_paged_entry_by_entry_gives_its_entries_and_refuses_entries_of_another_form()
    {
        List<IndexEntry> page = [];
        new IndexCursor(Encoding.UTF8.GetBytes(Json([new IndexEntry("a", 1), new IndexEntry("b", 2)], StorageJson.Default.ListIndexEntry))).TakeInto(page, 20, _ => true);
        new IndexCursor(null).TakeInto(page, 20, _ => true);
        new IndexCursor("[]"u8.ToArray()).TakeInto(page, 20, _ => true);
        var objects = () => new IndexCursor("""[{"id":"a","start":1}]"""u8.ToArray()).TakeInto([], 20, _ => true);

        page.Should().Equal(new IndexEntry("a", 1), new IndexEntry("b", 2));
        objects.Should().Throw<JsonException>("an unreadable list must not look like a patient without appointments");
    }

    [Theory]
    [InlineData("922337203685")]
    [InlineData("-984472800486.5")]
    [InlineData("1e28")]
    public void A_time_beyond_what_ticks_can_hold_is_refused_not_wrapped_around(string seconds)
    {
        var read = () => JsonSerializer.Deserialize(Encoding.UTF8.GetBytes($$"""[["a",{{seconds}}]]"""), StorageJson.Default.ListIndexEntry);

        read.Should().Throw<JsonException>();
    }

    private static List<T> RoundTrip<T>(List<T> entries, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(entries, type), type)!;

    private static string Json<T>(List<T> entries, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(entries, type));
}
