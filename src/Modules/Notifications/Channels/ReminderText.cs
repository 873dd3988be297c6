using System.Globalization;
using System.Net;

namespace Appointments.Notifications.Channels;

/// <summary>The wording of a reminder, the same for every channel; its text fits one SMS segment.</summary>
internal static class ReminderText
{
    public const string Subject = "Appointment Reminder";

    public static OutgoingMessage For(string to, string doctor, DateTime localStart, string timeZoneId)
    {
        var when = When(localStart, timeZoneId);
        return new OutgoingMessage(
            to,
            Subject,
            SmsText.Fit(null, doctor, d => $"Reminder: you have an appointment with {d} on {when}.",
                d => $"Reminder: {d} {localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}."),
            $"<p>Reminder: you have an appointment with <strong>{WebUtility.HtmlEncode(doctor)}</strong> on {WebUtility.HtmlEncode(when)}.</p>");
    }

    /// <summary>A local time as every message words it: <c>2031-03-30 10:00 (Europe/Berlin)</c>.</summary>
    public static string When(DateTime localStart, string timeZoneId) =>
        $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({timeZoneId})";
}
