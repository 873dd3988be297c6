using System.Text;
using System.Text.Json;
using Appointments.Booking.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace Appointments.Booking.Tests;

/// <summary>
/// The entries of the doctors' day lists and the patients' month lists are read and written by hand
/// (<see cref="IndexEntryJson"/>, <see cref="DayEntryJson"/>): every entry reads back as it was written, whatever its
/// text (whole UTF-16: a lone surrogate is no text) and numbers, and the stored members are the short ones the lists were
/// designed with.
/// </summary>
public sealed class ListEntryJsonTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements("65f0c0ffee0123456789abcd", "", "held", "\"", "\\", "\u2028", "é中😀", "\0"),
        Gen.ArrayOf(Gen.OneOf(Gen.Choose(0, 0xD7FF), Gen.Choose(0xE000, 0xFFFF)).Select(c => (char)c)).Select(chars => new string(chars)));

    private static readonly Gen<long> Number = Gen.OneOf(Gen.Elements(0L, 1L, -1L, long.MaxValue, long.MinValue), Gen.Choose(int.MinValue, int.MaxValue).Select(n => (long)n * 7919));

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
    public void Entries_are_stored_with_short_members_and_without_defaults()
    {
        Json([new IndexEntry("a", 1), new IndexEntry("b", 2, 3, true)], StorageJson.Default.ListIndexEntry)
            .Should().Be("""[{"id":"a","start":1},{"id":"b","start":2,"end":3,"holds":true}]""");
        Json([new DayEntry("a", 1, 2, "scheduled"), new DayEntry("b", 3, 4, DayEntry.Held, 5)], StorageJson.Default.ListDayEntry)
            .Should().Be("""[{"id":"a","s":1,"e":2,"st":"scheduled"},{"id":"b","s":3,"e":4,"st":"held","x":5}]""");
    }

    [Fact]
    public void An_entry_without_its_id_is_refused_not_read_as_empty()
    {
        var read = () => JsonSerializer.Deserialize("""[{"start":1}]"""u8, StorageJson.Default.ListIndexEntry);

        read.Should().Throw<JsonException>();
    }

    private static List<T> RoundTrip<T>(List<T> entries, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(entries, type), type)!;

    private static string Json<T>(List<T> entries, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(entries, type));
}
