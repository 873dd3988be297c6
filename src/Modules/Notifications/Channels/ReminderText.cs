using System.Globalization;
using System.Net;

namespace Appointments.Notifications.Channels;

/// <summary>The wording of a reminder, the same for every channel.</summary>
internal static class ReminderText
{
    public const string Subject = "Appointment Reminder";

    public static string Plain(ReminderMessage message) =>
        $"Reminder: you have an appointment with {message.Doctor} on {When(message)}.";

    public static string Html(ReminderMessage message) =>
        $"<p>Reminder: you have an appointment with <strong>{WebUtility.HtmlEncode(message.Doctor)}</strong> on {WebUtility.HtmlEncode(When(message))}.</p>";

    private static string When(ReminderMessage message) =>
        $"{message.LocalStart.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({message.TimeZoneId})";
}
