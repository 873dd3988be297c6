using System.Globalization;
using System.Net;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications.Notices;

/// <summary>
/// The wording of a notice, the same for every channel: the doctor and the local date and time, the reason a
/// cancel gave, nothing else about the patient. The plain text fits one SMS segment unless a long doctor id or
/// reason makes that impossible; then the reason is shortened.
/// </summary>
internal static class NoticeText
{
    public const int SmsSegment = 160;

    public static string Subject(NoticeKind kind) => kind switch
    {
        NoticeKind.Rescheduled => "Appointment Rescheduled",
        NoticeKind.Cancelled => "Appointment Cancelled",
        _ => "Appointment Confirmation",
    };

    public static string Plain(PendingNotice notice)
    {
        var text = Sentence(notice, notice.Doctor, When(notice));
        if (notice.Reason is not { Length: > 0 } reason)
        {
            return text;
        }

        var room = SmsSegment - text.Length - " Reason: ".Length;
        return $"{text} Reason: {(reason.Length <= room || room < 20 ? reason : reason[..(room - 3)] + "...")}";
    }

    public static string Html(PendingNotice notice)
    {
        var text = Sentence(notice, $"<strong>{WebUtility.HtmlEncode(notice.Doctor)}</strong>", WebUtility.HtmlEncode(When(notice)));
        return notice.Reason is { Length: > 0 } reason
            ? $"<p>{text}</p><p>Reason: {WebUtility.HtmlEncode(reason)}</p>"
            : $"<p>{text}</p>";
    }

    private static string Sentence(PendingNotice notice, string doctor, string when) => notice.Kind switch
    {
        NoticeKind.Rescheduled => $"Your appointment with {doctor} has moved to {when}.",
        NoticeKind.Cancelled => $"Your appointment with {doctor} on {when} is cancelled.",
        _ => $"Your appointment with {doctor} on {when} is confirmed.",
    };

    private static string When(PendingNotice notice) =>
        $"{notice.LocalStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({notice.TimeZoneId})";
}
