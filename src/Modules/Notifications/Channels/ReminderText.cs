using System.Globalization;
using System.Net;

namespace Appointments.Notifications.Channels;

/// <summary>The wording of a reminder, the same for every channel.</summary>
internal static class ReminderText
{
    public const string Subject = "Appointment Reminder";

    public static OutgoingMessage For(string to, string doctor, DateTime localStart, string timeZoneId)
    {
        var when = When(localStart, timeZoneId);
        return new OutgoingMessage(
            to,
            Subject,
            $"Reminder: you have an appointment with {doctor} on {when}.",
            $"<p>Reminder: you have an appointment with <strong>{WebUtility.HtmlEncode(doctor)}</strong> on {WebUtility.HtmlEncode(when)}.</p>");
    }

    /// <summary>A local time as every message words it: <c>2031-03-30 10:00 (Europe/Berlin)</c>.</summary>
    public static string When(DateTime localStart, string timeZoneId) =>
        $"{localStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({timeZoneId})";
}
