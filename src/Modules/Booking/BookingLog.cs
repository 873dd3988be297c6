using Microsoft.Extensions.Logging;

namespace Appointments.Booking;

/// <summary>What Booking logs: appointment ids, doctors and times; never a patient's name, email or phone.</summary>
internal static partial class BookingLog
{
    [LoggerMessage(1, LogLevel.Information, "Booked appointment {Id} with {Doctor} at {Start:o}")]
    public static partial void Booked(ILogger logger, string id, string doctor, DateTimeOffset start);

    [LoggerMessage(2, LogLevel.Information, "Refused a booking with {Doctor} at {Start:o}: {Reason}")]
    public static partial void Refused(ILogger logger, string doctor, DateTimeOffset start, string reason);

    [LoggerMessage(3, LogLevel.Information, "Appointment {Id}: {Action}, now {Status} with {Doctor} at {Start:o}")]
    public static partial void Changed(ILogger logger, string id, string action, string status, string doctor, DateTimeOffset start);
}
