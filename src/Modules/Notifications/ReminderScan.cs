using System.Globalization;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>
/// One pass over the appointments due for a reminder. Any number of scans may run at once on any number of
/// replicas: for each reminder, only the scanner whose claim in the state store succeeds sends it.
/// </summary>
internal sealed class ReminderScan(
    IAppointmentSchedule schedule,
    IAppointmentEvents events,
    ReminderIndex index,
    IOptions<Notices.NoticesOptions> notices,
    ClaimedDelivery deliveries,
    TimeProvider time,
    IOptions<ReminderOptions> options,
    DeliveryMetrics metrics,
    ILogger<ReminderScan> logger)
{
    private readonly ScanGate _gate = new("Reminder", logger);

    /// <summary>A new start time gives a new key, so a rescheduled appointment gets its reminder again.</summary>
    public static string ClaimKey(string appointmentId, DateTimeOffset startUtc) =>
        $"reminder|{appointmentId}|{startUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Scans once; never throws. Skips when a scan is already running in this process.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _gate.RunAsync(ScanOnceAsync, cancellationToken);

    private async Task ScanOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("reminder scan");
        var now = time.GetUtcNow();
        var until = now + options.Value.LeadTime;

        // Bookings the notice scan has not read yet are indexed first, so a reminder never waits for it.
        await index.AddAsync((await events.PendingAsync(notices.Value.BatchSize, cancellationToken)).Events.Select(DueEntry.Of), cancellationToken);
        var entries = await index.DueAsync(now, until, cancellationToken);
        var due = (await schedule.ActiveAsync(entries.Select(e => e.Id).ToList(), cancellationToken))
            .Where(a => a.StartUtc >= now && a.StartUtc < until)
            .ToList();
        activity?.SetTag("reminders.due", due.Count);
        foreach (var appointment in due.Where(a => a.ReminderMethod != ReminderMethod.None))
        {
            await RemindOnceAsync(appointment, cancellationToken);
        }
    }

    private async Task RemindOnceAsync(ScheduledAppointment appointment, CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("reminder");
        activity?.SetTag("appointment.id", appointment.Id);
        var o = options.Value;
        var delivery = new Delivery(
            ClaimKey(appointment.Id, appointment.StartUtc),
            "Reminder",
            appointment.Id,
            appointment.ReminderMethod,
            appointment.ReminderMethod == ReminderMethod.Sms ? appointment.Phone : appointment.Email,
            to => ReminderText.For(to, appointment.Doctor, appointment.LocalStart, appointment.TimeZoneId, notices.Value.ClinicName),
            (state, token) => schedule.RecordReminderAsync(appointment.Id, appointment.StartUtc, state, token));
        try
        {
            var outcome = await deliveries.DeliverAsync(delivery, new DeliveryPolicy(o.MaxAttempts, o.ClaimLease, _ => o.RetryDelay, o.SendTimeout), cancellationToken);
            metrics.Reminder(outcome, appointment.ReminderMethod);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or StateStoreUnavailableException))
        {
            // Like a crash: the claim stays 'sending' and is taken over once its lease ends.
            logger.LogError(ex, "Reminder for appointment {AppointmentId} at {StartUtc} failed unexpectedly; retried after the claim lease",
                appointment.Id, appointment.StartUtc);
        }
    }
}
