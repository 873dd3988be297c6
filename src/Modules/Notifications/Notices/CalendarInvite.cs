using Appointments.Booking.Contracts;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Appointments.Notifications.Notices;

/// <summary>
/// The iCalendar invite an email notice carries (RFC 5545/5546), so calendar apps keep one event per
/// appointment: the same UID every time, a SEQUENCE that grows with each change, REQUEST to add or update it
/// and CANCEL to remove it, times in the clinic's zone with its VTIMEZONE.
/// </summary>
internal static class CalendarInvite
{
    public const string MediaType = "text/calendar";

    /// <returns>The iTIP method (for the MIME part's <c>method</c> parameter) and the calendar text.</returns>
    public static (string Method, string Text) For(PendingNotice notice, string organizer)
    {
        var method = notice.Kind == NoticeKind.Cancelled ? CalendarMethods.Cancel : CalendarMethods.Request;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(notice.TimeZoneId);
        var calendar = new Calendar { Method = method };
        calendar.AddTimeZone(VTimeZone.FromDateTimeZone(notice.TimeZoneId));
        var appointment = new CalendarEvent
        {
            Uid = Uid(notice.AppointmentId),
            Sequence = notice.Sequence,
            Summary = $"Appointment with {notice.Doctor}",
            DtStamp = new CalDateTime(notice.CreatedAt.UtcDateTime, "UTC"),
            DtStart = new CalDateTime(notice.LocalStart, notice.TimeZoneId),
            DtEnd = new CalDateTime(TimeZoneInfo.ConvertTime(notice.EndUtc, zone).DateTime, notice.TimeZoneId),
            Status = notice.Kind == NoticeKind.Cancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
            Organizer = new Organizer($"mailto:{organizer}"),
        };
        if (notice.Email is { } email)
        {
            appointment.Attendees.Add(new Attendee($"mailto:{email}"));
        }

        calendar.Events.Add(appointment);
        return (method, new CalendarSerializer().SerializeToString(calendar)!);
    }

    /// <summary>One event per appointment, whatever happens to it.</summary>
    public static string Uid(string appointmentId) => $"{appointmentId}@appointments";
}
