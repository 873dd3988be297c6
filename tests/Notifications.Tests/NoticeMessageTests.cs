using Appointments.Booking.Contracts;
using Appointments.Notifications.Notices;
using Ical.Net;

namespace Appointments.Notifications.Tests;

/// <summary>What a notice says, and the calendar invite as a calendar app reads it back.</summary>
public sealed class NoticeMessageTests
{
    private static readonly DateTimeOffset Start = new(2031, 3, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_invite_keeps_one_uid_per_appointment_and_its_sequence_grows_with_each_change()
    {
        var invites = new[] { Notice(NoticeKind.Confirmation, 1), Notice(NoticeKind.Rescheduled, 3), Notice(NoticeKind.Cancelled, 4) }
            .Select(n => Calendar.Load(CalendarInvite.For(n, "clinic@example.com").Text)!)
            .ToList();

        invites.Select(c => c.Events.Single().Uid).Distinct().Should().Equal("65f1c2a9e4b0a1b2c3d4e5f6@appointments");
        invites.Select(c => c.Events.Single().Sequence).Should().Equal(1, 3, 4);
        invites.Select(c => c.Method).Should().Equal("REQUEST", "REQUEST", "CANCEL");
        invites[2].Events.Single().Status.Should().Be("CANCELLED");
    }

    [Fact]
    public void The_invite_gives_its_times_in_the_clinics_zone_with_that_zone_described()
    {
        var (method, text) = CalendarInvite.For(Notice(NoticeKind.Confirmation, 1), "clinic@example.com");

        var calendar = Calendar.Load(text)!;
        var appointment = calendar.Events.Single();
        method.Should().Be("REQUEST");
        calendar.TimeZones.Single().TzId.Should().Be("Europe/Berlin");
        appointment.DtStart!.TzId.Should().Be("Europe/Berlin");
        appointment.DtStart!.Value.Should().Be(new DateTime(2031, 3, 30, 10, 0, 0), "10:00 local, the first morning of summer time");
        appointment.DtEnd!.Value.Should().Be(new DateTime(2031, 3, 30, 10, 30, 0));
        appointment.Organizer!.Value!.ToString().Should().Be("mailto:clinic@example.com");
        appointment.Attendees.Single().Value!.ToString().Should().Be("mailto:alice@example.com");
    }

    [Theory]
    [InlineData(NoticeKind.Confirmation, "Appointment Confirmation", "Your appointment with dr-house on 2031-03-30 10:00 (Europe/Berlin) is confirmed.")]
    [InlineData(NoticeKind.Rescheduled, "Appointment Rescheduled", "Your appointment with dr-house has moved to 2031-03-30 10:00 (Europe/Berlin).")]
    [InlineData(NoticeKind.Cancelled, "Appointment Cancelled", "Your appointment with dr-house on 2031-03-30 10:00 (Europe/Berlin) is cancelled.")]
    public void Each_kind_names_the_doctor_and_the_local_time_in_one_sms_segment(NoticeKind kind, string subject, string text)
    {
        NoticeText.Subject(kind).Should().Be(subject);
        NoticeText.Plain(Notice(kind, 1)).Should().Be(text);
        text.Length.Should().BeLessThanOrEqualTo(NoticeText.SmsSegment);
    }

    [Fact]
    public void A_cancellation_says_why_and_a_long_reason_is_shortened_to_fit_one_segment()
    {
        var shortReason = Notice(NoticeKind.Cancelled, 2) with { Reason = "Doctor unwell" };
        var longReason = Notice(NoticeKind.Cancelled, 2) with { Reason = new string('r', 400) };

        NoticeText.Plain(shortReason).Should().EndWith(" Reason: Doctor unwell");
        NoticeText.Plain(longReason).Length.Should().Be(NoticeText.SmsSegment);
        NoticeText.Html(longReason).Should().Contain(new string('r', 400), "email has room for all of it");
    }

    [Fact]
    public void Html_escapes_what_it_quotes()
    {
        NoticeText.Html(Notice(NoticeKind.Cancelled, 2) with { Reason = "<script>" }).Should().Contain("&lt;script&gt;").And.NotContain("<script>");
    }

    private static PendingNotice Notice(NoticeKind kind, int sequence) => new(
        $"65f1c2a9e4b0a1b2c3d4e5f6-{sequence}", "65f1c2a9e4b0a1b2c3d4e5f6", kind, sequence, "dr-house", Start, Start.AddMinutes(30),
        new DateTime(2031, 3, 30, 10, 0, 0), "Europe/Berlin", ReminderMethod.Email, "alice@example.com", "+15555550100", null, Start.AddDays(-2));
}
