namespace Appointments.Booking.Contracts;

/// <summary>
/// What Booking tells other modules about appointments, besides their changes (<see cref="IAppointmentEvents"/>).
/// </summary>
public interface IAppointmentSchedule
{
    /// <summary>
    /// Of <paramref name="ids"/>, the appointments that are active (scheduled or rescheduled), ordered by start. Reads a
    /// bounded number of documents at a time, however many are asked for.
    /// </summary>
    Task<IReadOnlyList<ScheduledAppointment>> ActiveAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the reminder's state beside the appointment, so its owner sees it on the document without the
    /// document's ETag moving. Not shown once the appointment has moved to another start (it was for the old time).
    /// </summary>
    Task RecordReminderAsync(string appointmentId, DateTimeOffset startUtc, DeliveryState state, CancellationToken cancellationToken = default);
}

/// <param name="LocalStart">The start in the clinic's time zone, as patients read it.</param>
/// <param name="TimeZoneId">The clinic's time zone (IANA id), for wording the reminder.</param>
public sealed record ScheduledAppointment(
    string Id,
    string Username,
    string Doctor,
    DateTimeOffset StartUtc,
    DateTime LocalStart,
    string TimeZoneId,
    ReminderMethod ReminderMethod,
    string? Email,
    string? Phone);

public enum ReminderMethod
{
    Email,
    Sms,
    None,
}

/// <summary>Where the delivery of a reminder or a notice stands, as Notifications reports it.</summary>
/// <param name="Status">One of <c>sending</c>, <c>sent</c>, <c>retrying</c>, <c>failed</c>, <c>suppressed</c> (never sent, on purpose).</param>
public sealed record DeliveryState(string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);
