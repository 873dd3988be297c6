using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
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
    public void Each_kind_names_the_doctor_and_the_local_time_and_its_sms_the_clinic_in_one_segment(NoticeKind kind, string subject, string text)
    {
        NoticeText.Subject(kind).Should().Be(subject);
        NoticeText.Plain(Notice(kind, 1)).Should().Be(text);
        var sms = NoticeText.Sms(Notice(kind, 1), "Praxis Dr. Müller");
        sms.Should().Be($"Praxis Dr. Müller: {text}");
        SmsText.IsOneSegment(sms).Should().BeTrue();
    }

    [Fact]
    public void A_cancellation_reason_goes_whole_into_email_and_never_into_an_sms()
    {
        var cancelled = Notice(NoticeKind.Cancelled, 2) with { Reason = "Verify your card at https://evil.example " + new string('r', 400) };

        NoticeText.Plain(cancelled).Should().EndWith(" Reason: " + cancelled.Reason);
        NoticeText.Html(cancelled).Should().Contain(new string('r', 400), "email has room for all of it");
        NoticeText.Sms(cancelled, "Your clinic").Should().Be("Your clinic: Your appointment with dr-house on 2031-03-30 10:00 (Europe/Berlin) is cancelled.");
    }

    [Theory]
    [InlineData("Your clinic", 128, 'd')]
    [InlineData("Kliniken i Örebro", 128, 'd')]
    [InlineData("Клиника на Арбате", 40, 'д')]
    [InlineData("An unusually long clinic name, 40 chars", 128, '李')]
    public void An_sms_is_one_segment_whatever_the_names_and_keeps_the_time(string clinic, int doctorLength, char letter)
    {
        var notice = Notice(NoticeKind.Rescheduled, 2) with { Doctor = "dr-" + new string(letter, doctorLength - 3), TimeZoneId = "America/Argentina/ComodRivadavia" };

        var sms = NoticeText.Sms(notice, clinic);

        SmsText.IsOneSegment(sms).Should().BeTrue(sms);
        sms.Should().Contain("2031-03-30 10:00").And.Contain("dr-");
    }

    [Theory]
    [InlineData("plain GSM text", 160, true)]
    [InlineData("plain GSM text", 161, false)]
    [InlineData("{}[]", 80, true)]
    [InlineData("{}[]", 81, false)]
    [InlineData("emoji 😷", 70, true)]
    [InlineData("emoji 😷", 71, false)]
    public void One_segment_is_160_gsm_septets_or_70_utf16_units_once_anything_needs_unicode(string sample, int length, bool fits)
    {
        var text = string.Concat(Enumerable.Repeat(sample, (length / sample.Length) + 1))[..length];
        if (char.IsHighSurrogate(text[^1]))
        {
            text = text[..^1] + "x";
        }

        SmsText.IsOneSegment(text).Should().Be(fits, text);
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
