using Appointments.Booking.Storage;

namespace Appointments.Booking.Contracts;

internal sealed class AppointmentSchedule(AppointmentStore store, Clinic clinic) : IAppointmentSchedule
{
    private const int MaxAttempts = 10;

    public async Task<IReadOnlyList<ScheduledAppointment>> StartingBetweenAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        var appointments = await store.StartingBetweenAsync(fromUtc, toUtc, cancellationToken);
        return appointments
            .OrderBy(a => a.StartUtc)
            .Select(a => new ScheduledAppointment(
                a.Id, a.Username, a.Doctor, a.StartUtc, clinic.ToLocal(a.StartUtc), clinic.Zone.Id, ToMethod(a.ReminderMethod), a.Email, a.Phone))
            .ToList();
    }

    public async Task RecordReminderAsync(string appointmentId, DateTimeOffset startUtc, ReminderState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.FindAsync(appointmentId, cancellationToken);
            if (stored is null || stored.Appointment.StartUtc != startUtc)
            {
                return;
            }

            var next = stored.Appointment with
            {
                Reminder = new AppointmentReminder(state.Status, state.Attempts, state.SentAt, state.LastError, startUtc),
            };
            if (await store.TryWriteAsync(stored, next, cancellationToken) == WriteOutcome.Written)
            {
                return;
            }
        }
    }

    private static ReminderMethod ToMethod(string method) => method switch
    {
        ReminderMethods.Sms => ReminderMethod.Sms,
        ReminderMethods.None => ReminderMethod.None,
        _ => ReminderMethod.Email,
    };
}
