using Appointments.Booking.Storage;

namespace Appointments.Booking.Contracts;

internal sealed class AppointmentSchedule(AppointmentDocuments documents, DeliveriesRecord deliveries, Clinic clinic) : IAppointmentSchedule
{
    public async Task<IReadOnlyList<ScheduledAppointment>> ActiveAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var appointments = await documents.LoadAsync(ids, cancellationToken);
        return appointments
            .Where(a => a.IsActive)
            .OrderBy(a => a.StartUtc)
            .Select(a => new ScheduledAppointment(
                a.Id, a.Username, a.Doctor, a.StartUtc, clinic.ToLocal(a.StartUtc), clinic.Zone.Id, ToMethod(a.ReminderMethod), a.Email, a.Phone))
            .ToList();
    }

    public Task RecordReminderAsync(string appointmentId, DateTimeOffset startUtc, DeliveryState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return deliveries.RecordReminderAsync(appointmentId, new AppointmentReminder(state.Status, state.Attempts, state.SentAt, state.LastError, startUtc), cancellationToken);
    }

    internal static ReminderMethod ToMethod(string method) => method switch
    {
        ReminderMethods.Sms => ReminderMethod.Sms,
        ReminderMethods.None => ReminderMethod.None,
        _ => ReminderMethod.Email,
    };
}
