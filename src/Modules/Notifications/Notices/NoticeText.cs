using System.Globalization;
using System.Net;
using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;

namespace Appointments.Notifications.Notices;

/// <summary>
/// The wording of a notice: the doctor and the local date and time (for a waitlist offer, also until when it is held). Email says the reason a cancel gave (HTML-encoded
/// in its HTML part); an SMS carries no text from any request, names the clinic and fits one segment
/// (<see cref="SmsText"/>), so nobody can make the clinic's number send their words or a long message.
/// </summary>
internal static class NoticeText
{
    public static string Subject(NoticeKind kind) => kind switch
    {
        NoticeKind.Rescheduled => "Appointment Rescheduled",
        NoticeKind.Cancelled => "Appointment Cancelled",
        NoticeKind.Offer => "Appointment Available",
        _ => "Appointment Confirmation",
    };

    /// <summary>The plain-text part of an email.</summary>
    public static string Plain(PendingNotice notice)
    {
        var text = Sentence(notice, notice.Doctor, When(notice));
        return notice.Reason is { Length: > 0 } reason ? $"{text} Reason: {reason}" : text;
    }

    /// <summary>An SMS: the sentence, or where names in Unicode leave no room for it, a terser one with the local time alone.</summary>
    public static string Sms(PendingNotice notice, string clinic)
    {
        var at = notice.LocalStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return SmsText.Fit(clinic, notice.Doctor, doctor => Sentence(notice, doctor, When(notice)), doctor => notice.Kind switch
        {
            NoticeKind.Rescheduled => $"{doctor} moved to {at}.",
            NoticeKind.Cancelled => $"{doctor} {at} cancelled.",
            NoticeKind.Offer => $"{doctor} {at} free, held till {Until(notice)}.",
            _ => $"{doctor} {at} confirmed.",
        });
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
        NoticeKind.Offer => $"A visit with {doctor} on {when} has come free and is held for you until {Until(notice)}. Accept it or decline it in your waitlist.",
        _ => $"Your appointment with {doctor} on {when} is confirmed.",
    };

    private static string Until(PendingNotice notice) => notice.HeldUntil?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";

    private static string When(PendingNotice notice) =>
        $"{notice.LocalStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({notice.TimeZoneId})";
}
