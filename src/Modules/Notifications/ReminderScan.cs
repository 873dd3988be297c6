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
    ClaimedDelivery deliveries,
    TimeProvider time,
    IOptions<ReminderOptions> options,
    DeliveryMetrics metrics,
    ILogger<ReminderScan> logger)
{
    private int _running;

    /// <summary>A new start time gives a new key, so a rescheduled appointment gets its reminder again.</summary>
    public static string ClaimKey(string appointmentId, DateTimeOffset startUtc) =>
        $"reminder|{appointmentId}|{startUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Scans once; never throws. Skips when a scan is already running in this process.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            logger.LogInformation("Reminder scan skipped: another one is running in this process");
            return;
        }

        try
        {
            using var activity = DeliveryMetrics.Tracing.StartActivity("reminder scan");
            var now = time.GetUtcNow();
            var due = await schedule.StartingBetweenAsync(now, now + options.Value.LeadTime, cancellationToken);
            activity?.SetTag("reminders.due", due.Count);
            foreach (var appointment in due.Where(a => a.ReminderMethod != ReminderMethod.None))
            {
                await RemindOnceAsync(appointment, cancellationToken);
            }
        }
        catch (StateStoreUnavailableException ex)
        {
            logger.LogWarning(ex, "Reminder scan stopped: the state store is unavailable; the next scan picks up");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Reminder scan stopped: the service is shutting down");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Reminder scan failed; the next scan picks up");
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RemindOnceAsync(ScheduledAppointment appointment, CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("reminder");
        activity?.SetTag("appointment.id", appointment.Id);
        var o = options.Value;
        var delivery = new Delivery(
            ClaimKey(appointment.Id, appointment.StartUtc),
            appointment.StartUtc.AddDays(1),
            "Reminder",
            appointment.Id,
            appointment.ReminderMethod,
            appointment.ReminderMethod == ReminderMethod.Sms ? appointment.Phone : appointment.Email,
            to => ReminderText.For(to, appointment.Doctor, appointment.LocalStart, appointment.TimeZoneId),
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
