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

    [Fact]
    public void A_skipped_local_time_says_so_rather_than_invalid_date()
    {
        ClinicIn("Europe/Berlin").Read("2031-03-30 02:30:00").Error.Should().Be(BookingError.SkippedTime);
    }

    [Fact]
    public void A_repeated_local_time_is_its_first_occurrence_unless_an_offset_says_otherwise()
    {
        var berlin = ClinicIn("Europe/Berlin");

        berlin.Parse("2031-10-26 02:30:00").Should().Be(new DateTimeOffset(2031, 10, 26, 0, 30, 0, TimeSpan.Zero), "summer time, +02:00, comes first");
        berlin.Parse("2031-10-26T02:30:00+01:00").Should().Be(new DateTimeOffset(2031, 10, 26, 1, 30, 0, TimeSpan.Zero));
        berlin.FormatWithOffset(new DateTimeOffset(2031, 10, 26, 1, 30, 0, TimeSpan.Zero)).Should().Be("2031-10-26T02:30:00+01:00");
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
    [InlineData("patient", "scheduled", "details", null, 0)]
    [InlineData("doctor", "scheduled", "details", null, 403)]
    [InlineData("admin", "scheduled", "details", null, 0)]
    [InlineData("patient", "rescheduled", "cancelled", null, 0)]
    [InlineData("doctor", "scheduled", "cancelled", null, 0)]
    [InlineData("admin", "scheduled", "cancelled", null, 0)]
    [InlineData("patient", "cancelled", "scheduled", "alice", 0)]
    [InlineData("patient", "cancelled", "scheduled", "dr-a", 403)]
    [InlineData("doctor", "cancelled", "scheduled", "dr-a", 0)]
    [InlineData("doctor", "cancelled", "scheduled", "alice", 403)]
    [InlineData("admin", "cancelled", "scheduled", "alice", 0)]
    [InlineData("patient", "scheduled", "completed", null, 403)]
    [InlineData("doctor", "scheduled", "completed", null, 0)]
    [InlineData("doctor", "rescheduled", "no_show", null, 0)]
    [InlineData("admin", "scheduled", "no_show", null, 0)]
    [InlineData("patient", "completed", "cancelled", null, 409)]
    [InlineData("admin", "no_show", "scheduled", null, 409)]
    [InlineData("admin", "completed", "details", null, 409)]
    [InlineData("admin", "cancelled", "completed", "alice", 400)]
    [InlineData("patient", "scheduled", "rescheduled", null, 400)]
    public void The_role_table_decides_who_may_change_what_after_the_start(string role, string from, string change, string? cancelledBy, int refusal)
    {
        var appointment = Appointment(status: from, cancelledBy: cancelledBy);
        var changes = change == "details" ? new AppointmentChanges { Phone = new Optional<string?>("+15555550123") } : new AppointmentChanges { Status = change };

        var (next, _, error) = appointment.Apply(CallerAs(role), changes, AfterStart);

        (error?.Status ?? 0).Should().Be(refusal, error?.Message);
        (next is null).Should().Be(refusal != 0);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("no_show")]
    public void An_outcome_can_be_recorded_only_once_the_start_has_passed(string outcome)
    {
        var (_, _, error) = Appointment().Apply(CallerAs("doctor"), new AppointmentChanges { Status = outcome }, BeforeStart);

        error!.Status.Should().Be(400);
        error.Errors!["status"].Single().Should().Contain("once the appointment has started");
    }

    [Theory]
    [InlineData("patient", "scheduled", 0)]
    [InlineData("doctor", "scheduled", 403)]
    [InlineData("admin", "cancelled", 0)]
    [InlineData("patient", "completed", 409)]
    [InlineData("admin", "no_show", 409)]
    public void Patients_and_admins_delete_and_closed_appointments_stay(string role, string status, int refusal)
    {
        (Appointment(status: status).RefuseDelete(CallerAs(role))?.Status ?? 0).Should().Be(refusal);
    }

    [Fact]
    public void Cancelling_records_who_why_and_when_and_restoring_clears_it()
    {
        var doctor = CallerAs("doctor");

        var (cancelled, action, _) = Appointment().Apply(doctor, new AppointmentChanges { Status = "cancelled", Reason = "Doctor unwell" }, BeforeStart);
        var (restored, restoredAction, _) = cancelled!.Apply(doctor, new AppointmentChanges { Status = "scheduled" }, BeforeStart);

        action.Should().Be("cancel");
        cancelled.Cancellation.Should().Be(new Cancellation("Doctor unwell", "dr-a", "doctor", BeforeStart));
        restoredAction.Should().Be("uncancel");
        restored!.Cancellation.Should().BeNull();
        restored.Status.Should().Be("scheduled");
    }

    [Fact]
    public void Moving_a_scheduled_appointment_marks_it_rescheduled()
    {
        var (next, action, _) = Appointment().Apply(CallerAs("patient"), new AppointmentChanges { Start = Start.AddDays(1) }, BeforeStart);

        next!.Status.Should().Be("rescheduled");
        action.Should().Be("change");
    }

    [Fact]
    public void Overlapping_appointments_take_each_others_time_and_adjacent_or_cancelled_ones_do_not()
    {
        var first = DayEntry.Of(Appointment(start: "2031-03-10T10:00:00Z", minutes: 30));
        var overlapping = DayEntry.Of(Appointment(start: "2031-03-10T10:29:00Z", minutes: 5) with { Id = "1123456789abcdef01234567" });
        var adjacent = DayEntry.Of(Appointment(start: "2031-03-10T10:30:00Z", minutes: 30) with { Id = "2123456789abcdef01234567" });
        var cancelled = DayEntry.Of(Appointment(status: "cancelled") with { Id = "3123456789abcdef01234567" });

        DayList.Taken([first], overlapping.Id, overlapping.Start, overlapping.End).Should().BeTrue();
        DayList.Taken([first], adjacent.Id, adjacent.Start, adjacent.End).Should().BeFalse();
        DayList.Taken([cancelled], first.Id, first.Start, first.End).Should().BeFalse("a cancelled appointment holds no time");
        DayList.Taken([first], first.Id, first.Start, first.End).Should().BeFalse("an appointment does not take its own time");
    }

    [Fact]
    public void An_appointment_crossing_midnight_is_on_both_days_lists()
    {
        var late = Appointment(start: "2031-03-10T23:30:00Z", minutes: 60);

        BookingKeys.DaysOf(late, TimeZoneInfo.Utc).Should().Equal(new DateOnly(2031, 3, 10), new DateOnly(2031, 3, 11));
        BookingKeys.DaysOf(Appointment(start: "2031-03-10T23:30:00Z", minutes: 30), TimeZoneInfo.Utc).Should().Equal(new DateOnly(2031, 3, 10));
    }

    private static readonly DateTimeOffset Start = new(2031, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BeforeStart = Start.AddDays(-1);
    private static readonly DateTimeOffset AfterStart = Start.AddHours(1);

    private static Caller CallerAs(string role) => role switch
    {
        "patient" => new Caller("alice", Caller.Patient),
        "doctor" => new Caller("dr-a", Caller.Doctor),
        _ => new Caller("the-admin", Caller.Admin),
    };

    private static Appointment Appointment(string status = "scheduled", string start = "2031-03-10T10:00:00Z", int minutes = 30, string? cancelledBy = null) => new()
    {
        Id = "0123456789abcdef01234567",
        Username = "alice",
        Doctor = "dr-a",
        StartUtc = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        DurationMinutes = minutes,
        Status = status,
        Email = "alice@example.com",
        Cancellation = cancelledBy is null ? null : new Cancellation(null, cancelledBy, cancelledBy == "alice" ? Caller.Patient : Caller.Doctor, DateTimeOffset.UnixEpoch),
        ReminderMethod = "email",
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
