using Appointments.Booking.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Booking.Tests;

/// <summary>The rules inside Booking that the API tests reach only in part.</summary>
public sealed class RulesTests
{
    private static Clinic ClinicIn(string zone) =>
        new(Options.Create(new BookingOptions { TimeZone = zone }), new FakeTimeProvider());

    [Theory]
    [InlineData("2031-03-10 10:00:00", "2031-03-10T10:00:00+00:00")]
    [InlineData("2031-03-10T10:00:00", "2031-03-10T10:00:00+00:00")]
    [InlineData("2031-03-10 10:00", "2031-03-10T10:00:00+00:00")]
    [InlineData("2031-03-10T10:00:00Z", "2031-03-10T10:00:00+00:00")]
    [InlineData("2031-03-10T10:00:00+01:00", "2031-03-10T09:00:00+00:00")]
    [InlineData("2031-03-10T10:00:00.250-02:30", "2031-03-10T12:30:00.25+00:00")]
    public void Accepted_formats_read_as_the_same_instant(string text, string expectedUtc)
    {
        ClinicIn("UTC").Parse(text).Should().Be(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_time_without_offset_is_in_the_clinic_zone_and_written_back_in_it()
    {
        var berlin = ClinicIn("Europe/Berlin");

        var winter = berlin.Parse("2031-01-10 10:00:00")!.Value;
        var summer = berlin.Parse("2031-07-10 10:00:00")!.Value;

        winter.UtcDateTime.Hour.Should().Be(9);
        summer.UtcDateTime.Hour.Should().Be(8);
        berlin.Format(summer).Should().Be("2031-07-10 10:00:00");
    }

    [Fact]
    public void A_local_time_skipped_by_the_spring_daylight_saving_change_is_not_a_time()
    {
        ClinicIn("Europe/Berlin").Parse("2031-03-30 02:30:00").Should().BeNull();
    }

    [Theory]
    [InlineData("2031-03-10T10:00:00+00:99")]
    [InlineData("2031-03-10T10:00:00+15:00")]
    [InlineData("2031-02-29 10:00:00")]
    [InlineData(" 2031-03-10 10:00:00")]
    public void Impossible_or_padded_times_are_refused(string text)
    {
        ClinicIn("UTC").Parse(text).Should().BeNull();
    }

    [Theory]
    [InlineData("scheduled", "completed", true)]
    [InlineData("rescheduled", "cancelled", true)]
    [InlineData("cancelled", "scheduled", true)]
    [InlineData("cancelled", "completed", false)]
    [InlineData("completed", "scheduled", false)]
    [InlineData("no_show", "cancelled", false)]
    [InlineData("completed", "completed", true)]
    public void Statuses_move_forward_and_a_cancellation_can_be_undone(string from, string to, bool allowed)
    {
        var appointment = Appointment(status: from);

        (appointment.RefuseStatus(to) is null).Should().Be(allowed);
    }

    [Fact]
    public void Overlapping_appointments_share_a_cell_and_adjacent_ones_do_not()
    {
        var first = Appointment(start: "2031-03-10T10:00:00Z", minutes: 30);
        var overlapping = Appointment(start: "2031-03-10T10:29:00Z", minutes: 5);
        var adjacent = Appointment(start: "2031-03-10T10:30:00Z", minutes: 30);

        BookingKeys.Cells(first).Intersect(BookingKeys.Cells(overlapping)).Should().NotBeEmpty();
        BookingKeys.Cells(first).Intersect(BookingKeys.Cells(adjacent)).Should().BeEmpty();
        BookingKeys.Cells(Appointment(status: "cancelled")).Should().BeEmpty("a cancelled appointment holds no time");
    }

    private static Appointment Appointment(string status = "scheduled", string start = "2031-03-10T10:00:00Z", int minutes = 30) => new()
    {
        Id = "0123456789abcdef01234567",
        Username = "alice",
        Doctor = "dr-a",
        StartUtc = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        DurationMinutes = minutes,
        Status = status,
        ReminderMethod = "email",
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
