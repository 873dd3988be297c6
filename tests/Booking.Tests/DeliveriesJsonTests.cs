using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.Booking.Storage;
using FsCheck;
using FsCheck.Fluent;
using static Appointments.Booking.Tests.StoredValues;

namespace Appointments.Booking.Tests;

/// <summary>
/// Where an appointment's reminder and notices stand is read and written by hand (<see cref="DeliveriesJson"/>): the
/// bytes are the ones System.Text.Json writes for the records by reflection, and they read back to the same records.
/// </summary>
public sealed class DeliveriesJsonTests
{
    private static readonly Gen<AppointmentReminder> Reminders =
        from status in Text
        from attempts in Number
        from sentAt in MaybeTime
        from lastError in MaybeText
        from start in Time
        select new AppointmentReminder(status, attempts, sentAt, lastError, start);

    private static readonly Gen<NoticeDelivery> Notices =
        from id in Text
        from kind in Text
        from status in Text
        from attempts in Number
        from sentAt in MaybeTime
        from lastError in MaybeText
        select new NoticeDelivery(id, kind, status, attempts, sentAt, lastError);

    private static readonly Gen<Deliveries> AnyDeliveries =
        from reminder in Gen.OneOf(Gen.Constant((AppointmentReminder?)null), Reminders.Select(r => (AppointmentReminder?)r))
        from notices in Gen.ListOf(Notices)
        select new Deliveries(reminder, [.. notices]);

    [Fact]
    public void Any_deliveries_are_stored_as_their_records_serialise_and_read_back_as_they_were() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(AnyDeliveries.ToArbitrary(), deliveries =>
        {
            var stored = JsonSerializer.SerializeToUtf8Bytes(deliveries, StorageJson.Default.Deliveries);
            var read = JsonSerializer.Deserialize(stored, StorageJson.Default.Deliveries)!;

            Encoding.UTF8.GetString(stored).Should().Be(JsonSerializer.Serialize(deliveries, ByReflection));
            read.Reminder.Should().Be(deliveries.Reminder);
            read.Notices.Should().Equal(deliveries.Notices);
            JsonSerializer.Serialize(read, ByReflection).Should().Be(Encoding.UTF8.GetString(stored), "offsets read back too");
        }));

    [Fact]
    public void The_converter_knows_every_member_of_the_records_in_their_order()
    {
        DeliveriesJson.Members.Names.Should().Equal(MembersOf<Deliveries>());
        DeliveriesJson.Reminder.Names.Should().Equal(MembersOf<AppointmentReminder>(), "a member added to a record must be stored and read too");
        DeliveriesJson.Notice.Names.Should().Equal(MembersOf<NoticeDelivery>(), "a member added to a record must be stored and read too");
    }

    [Fact]
    public void Members_it_does_not_know_are_skipped_in_any_order_and_no_notices_read_as_none()
    {
        const string stored = """
            {"extra":[1,{"a":null}],"reminder":{"start_utc":"2031-03-03T09:00:00+01:00","more":{},"status":"sent","attempts":1},"x":2}
            """;

        var read = JsonSerializer.Deserialize(stored, StorageJson.Default.Deliveries)!;

        read.Reminder.Should().Be(new AppointmentReminder("sent", 1, null, null, new DateTimeOffset(2031, 3, 3, 9, 0, 0, TimeSpan.FromHours(1))));
        read.Notices.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"notices":[{"id":"n1","kind":"booked","status":"sent"}]}""")]
    [InlineData("""{"notices":[{"id":"n1","kind":"booked","status":"sent","attempts":"1"}]}""")]
    [InlineData("""{"reminder":{"status":"sent","attempts":1}}""")]
    [InlineData("""{"reminder":{"status":"sent","attempts":1,"start_utc":"soon"}}""")]
    [InlineData("""{"notices":{"id":"n1"}}""")]
    [InlineData("""["n1"]""")]
    public void A_record_missing_a_member_or_holding_the_wrong_kind_of_value_is_refused(string stored)
    {
        var read = () => JsonSerializer.Deserialize(stored, StorageJson.Default.Deliveries);

        read.Should().Throw<JsonException>();
    }

    private static IEnumerable<string> MembersOf<T>() =>
        typeof(T).GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>();
}
