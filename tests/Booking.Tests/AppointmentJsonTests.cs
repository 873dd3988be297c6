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
/// Stored appointments are read and written by hand (<see cref="AppointmentJson"/>): the bytes are the ones
/// System.Text.Json writes for the record by reflection, whatever the appointment holds, and they read back to the same
/// appointment, offsets included.
/// </summary>
public sealed class AppointmentJsonTests
{
    private static readonly Gen<Cancellation> Cancellations =
        from reason in MaybeText
        from who in Text
        from role in Text
        from at in Time
        select new Cancellation(reason, who, role, at);

    private static readonly Gen<Appointment> Appointments =
        from id in Text
        from username in Text
        from doctor in Text
        from start in Time
        from minutes in Number
        from slot in MaybeText
        from visitType in MaybeText
        from status in Text
        from email in MaybeText
        from phone in MaybeText
        from reminder in Text
        from created in Time
        from updated in Time
        from cancellation in Gen.OneOf(Gen.Constant((Cancellation?)null), Cancellations.Select(c => (Cancellation?)c))
        from version in Number
        from deletedAt in Gen.OneOf(Gen.Constant((DateTimeOffset?)null), Time.Select(t => (DateTimeOffset?)t))
        select new Appointment
        {
            Id = id, Username = username, Doctor = doctor, StartUtc = start, DurationMinutes = minutes, Slot = slot, VisitType = visitType,
            Status = status, Email = email, Phone = phone, ReminderMethod = reminder, CreatedAt = created, UpdatedAt = updated,
            Cancellation = cancellation, Version = version, DeletedAt = deletedAt,
        };

    [Fact]
    public void Any_appointment_is_stored_as_its_record_serialises_and_reads_back_as_it_was() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Appointments.ToArbitrary(), appointment =>
        {
            var stored = JsonSerializer.SerializeToUtf8Bytes(appointment, StorageJson.Default.Appointment);
            var read = JsonSerializer.Deserialize(stored, StorageJson.Default.Appointment)!;

            Encoding.UTF8.GetString(stored).Should().Be(JsonSerializer.Serialize(appointment, ByReflection));
            JsonSerializer.Serialize(read, ByReflection).Should().Be(Encoding.UTF8.GetString(stored), "every member reads back, offsets included");
            read.Should().Be(appointment);
        }));

    [Fact]
    public void A_null_where_the_record_wants_text_is_left_out_as_the_serializer_leaves_it()
    {
        var appointment = new Appointment
        {
            Id = null!, Username = "ann", Doctor = "dr-x", StartUtc = DateTimeOffset.UnixEpoch, DurationMinutes = 30, Status = null!,
            ReminderMethod = "email", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
        };

        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(appointment, StorageJson.Default.Appointment))
            .Should().Be(JsonSerializer.Serialize(appointment, ByReflection));
    }

    [Fact]
    public void The_converter_knows_every_member_of_the_record_in_its_order()
    {
        var members = typeof(Appointment).GetProperties()
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>();

        AppointmentJson.Members.Names.Should().Equal(members, "a member added to Appointment must be stored and read too");
    }

    [Fact]
    public void Members_it_does_not_know_are_skipped_in_any_order()
    {
        const string stored = """
            {"version":2,"extra":{"a":[1,{"b":null}]},"_id":"a1","username":"ann","doctor":"dr-x","status":"scheduled",
             "start_utc":"2031-03-03T09:00:00+01:00","duration_minutes":30,"reminder_method":"email",
             "created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","more":"x"}
            """;

        var read = JsonSerializer.Deserialize(stored, StorageJson.Default.Appointment)!;

        read.Should().BeEquivalentTo(new { Id = "a1", Username = "ann", Doctor = "dr-x", DurationMinutes = 30, Version = 2, Email = (string?)null });
        read.StartUtc.Offset.Should().Be(TimeSpan.FromHours(1));
    }

    [Theory]
    [InlineData("""{"_id":"a1"}""")]
    [InlineData("""{"_id":"a1","username":"ann","doctor":"dr-x","status":"scheduled","start_utc":"2031-03-03T09:00:00+00:00","duration_minutes":30,"created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","version":1}""")]
    [InlineData("""{"_id":"a1","username":"ann","doctor":"dr-x","status":"scheduled","start_utc":"2031-03-03T09:00:00+00:00","duration_minutes":30,"reminder_method":"email","created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","version":null}""")]
    [InlineData("""{"_id":7,"username":"ann","doctor":"dr-x","status":"scheduled","start_utc":"2031-03-03T09:00:00+00:00","duration_minutes":30,"reminder_method":"email","created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","version":1}""")]
    [InlineData("""{"_id":"a1","username":"ann","doctor":"dr-x","status":"scheduled","start_utc":"tomorrow","duration_minutes":30,"reminder_method":"email","created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","version":1}""")]
    [InlineData("""{"_id":"a1","username":"ann","doctor":"dr-x","status":"scheduled","start_utc":"2031-03-03T09:00:00+00:00","duration_minutes":30.5,"reminder_method":"email","created_at":"2031-03-01T08:00:00+00:00","updated_at":"2031-03-01T08:00:00+00:00","version":1}""")]
    [InlineData("""["a1"]""")]
    public void A_document_missing_a_member_or_holding_the_wrong_kind_of_value_is_refused(string stored)
    {
        var read = () => JsonSerializer.Deserialize(stored, StorageJson.Default.Appointment);

        read.Should().Throw<JsonException>();
    }
}
