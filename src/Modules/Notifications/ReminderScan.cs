using System.Diagnostics;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>
/// One pass over the appointments due for a reminder. Any number of scans may run at once on any number of
/// replicas: for each reminder, only the scanner whose claim in the state store succeeds sends it.
/// </summary>
internal sealed class ReminderScan(
    IAppointmentSchedule schedule,
    IStateStore store,
    [FromKeyedServices(ReminderMethod.Email)] IMessageChannel email,
    [FromKeyedServices(ReminderMethod.Sms)] IMessageChannel sms,
    TimeProvider time,
    IOptions<ReminderOptions> options,
    ReminderMetrics metrics,
    ILogger<ReminderScan> logger)
{
    private int _running;

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
            using var activity = ReminderMetrics.Tracing.StartActivity("reminder scan");
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
        using var activity = ReminderMetrics.Tracing.StartActivity("reminder");
        activity?.SetTag("appointment.id", appointment.Id);
        try
        {
            await RemindAsync(appointment, cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or StateStoreUnavailableException))
        {
            // Like a crash: the claim stays 'sending' and is taken over once its lease ends.
            logger.LogError(ex, "Reminder for appointment {AppointmentId} at {StartUtc} failed unexpectedly; retried after the claim lease",
                appointment.Id, appointment.StartUtc);
        }
    }

    private async Task RemindAsync(ScheduledAppointment appointment, CancellationToken cancellationToken)
    {
        var key = ReminderClaim.Key(appointment.Id, appointment.StartUtc);
        var held = await ClaimAsync(key, appointment, cancellationToken);
        if (held is null)
        {
            return;
        }

        var (claim, etag) = held;
        await RecordAsync(appointment, claim, cancellationToken);
        var max = options.Value.MaxAttempts;
        if (claim.Attempts > max)
        {
            await FailAsync(key, etag, appointment, claim,
                new DeliveryException(DeliveryFailure.GaveUp, $"no attempt finished within the claim lease ({max} attempts)", isTransient: false), cancellationToken);
            return;
        }

        var failure = await SendAsync(appointment, cancellationToken);
        if (failure is null)
        {
            var sent = claim.Sent(time.GetUtcNow());
            if (await TransitionAsync(key, etag, sent, cancellationToken))
            {
                metrics.Sent(appointment.ReminderMethod);
                logger.LogInformation("Reminder for appointment {AppointmentId} at {StartUtc} sent by {Method} (attempt {Attempt})",
                    appointment.Id, appointment.StartUtc, appointment.ReminderMethod, claim.Attempts);
                await RecordAsync(appointment, sent, cancellationToken);
            }
        }
        else if (failure.IsTransient && claim.Attempts < max)
        {
            var retrying = claim.Retrying(failure.Category, time.GetUtcNow() + options.Value.RetryDelay);
            if (await TransitionAsync(key, etag, retrying, cancellationToken))
            {
                metrics.Retried(appointment.ReminderMethod);
                logger.LogWarning("Reminder for appointment {AppointmentId} at {StartUtc} not sent (attempt {Attempt} of {MaxAttempts}), retried on a later scan: {Category}: {Error}",
                    appointment.Id, appointment.StartUtc, claim.Attempts, max, failure.Category, failure.Message);
                await RecordAsync(appointment, retrying, cancellationToken);
            }
        }
        else
        {
            await FailAsync(key, etag, appointment, claim, failure, cancellationToken);
        }
    }

    /// <summary>
    /// Creates the claim, or re-claims a retrying one or a 'sending' one whose lease has ended, with the ETag
    /// just read. Returns null when there is nothing to do or another scanner won.
    /// </summary>
    private async Task<HeldClaim?> ClaimAsync(string key, ScheduledAppointment appointment, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(key, cancellationToken);
        var now = time.GetUtcNow();
        ReminderClaim claim;
        StateOperation claiming;
        if (entry.Value is null)
        {
            claim = ReminderClaim.Sending(attempts: 1, now);
            claiming = StateOperation.Create(key, claim.ToBytes());
        }
        else
        {
            var previous = ReminderClaim.Read(entry.Value);
            var due = previous.Status switch
            {
                ReminderStatus.Retrying => previous.NextAttemptAt is null || previous.NextAttemptAt <= now,
                ReminderStatus.Sending => now - previous.ClaimedAt >= options.Value.ClaimLease,
                _ => false,
            };
            if (!due)
            {
                return null;
            }

            claim = ReminderClaim.Sending(previous.Attempts + 1, now);
            claiming = StateOperation.Save(key, claim.ToBytes(), entry.ETag);
            if (previous.Status == ReminderStatus.Sending)
            {
                logger.LogWarning("Reminder for appointment {AppointmentId} at {StartUtc} taken over: the claim from {ClaimedAt} outlived its lease",
                    appointment.Id, appointment.StartUtc, previous.ClaimedAt);
            }
        }

        if (!await store.TryExecuteAsync([claiming], cancellationToken))
        {
            return null;
        }

        // The store does not hand back the new ETag: read it, and make sure the claim there is still ours.
        var written = await store.GetAsync(key, cancellationToken);
        return written.Value is not null && ReminderClaim.Read(written.Value).ClaimId == claim.ClaimId
            ? new HeldClaim(claim, written.ETag)
            : null;
    }

    private async Task<DeliveryException?> SendAsync(ScheduledAppointment appointment, CancellationToken cancellationToken)
    {
        var (channel, to) = appointment.ReminderMethod == ReminderMethod.Sms
            ? (sms, appointment.Phone)
            : (email, appointment.Email);
        if (string.IsNullOrWhiteSpace(to))
        {
            return new DeliveryException(DeliveryFailure.NoAddress, $"the appointment has no address for {appointment.ReminderMethod}", isTransient: false);
        }

        var timeout = options.Value.SendTimeout;
        using var sendTimeout = new CancellationTokenSource(timeout, time);
        using var send = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sendTimeout.Token);
        try
        {
            await channel.SendAsync(ReminderText.For(to, appointment.Doctor, appointment.LocalStart, appointment.TimeZoneId), send.Token);
            return null;
        }
        catch (DeliveryException ex)
        {
            return ex;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // One hung send must not hold up the rest of the scan. It may still go out (a Dapr binding ignores the
            // call's cancellation), so the retry could deliver it twice: better than a reminder never tried again.
            return new DeliveryException(DeliveryFailure.TimedOut, $"no answer within {timeout}", isTransient: true);
        }
    }

    private async Task FailAsync(
        string key, string etag, ScheduledAppointment appointment, ReminderClaim claim, DeliveryException failure, CancellationToken cancellationToken)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, failure.Category);
        var failed = claim.Failed(failure.Category);
        if (await TransitionAsync(key, etag, failed, cancellationToken))
        {
            metrics.Failed(appointment.ReminderMethod);
            logger.LogError("Reminder for appointment {AppointmentId} at {StartUtc} failed after {Attempts} attempt(s): {Category}: {Error}",
                appointment.Id, appointment.StartUtc, claim.Attempts, failure.Category, failure.Message);
            await RecordAsync(appointment, failed, cancellationToken);
        }
    }

    private async Task<bool> TransitionAsync(string key, string etag, ReminderClaim next, CancellationToken cancellationToken)
    {
        if (await store.TryExecuteAsync([StateOperation.Save(key, next.ToBytes(), etag)], cancellationToken))
        {
            return true;
        }

        logger.LogWarning("Reminder claim {Key} was taken over by another scanner before it could be marked {Status}", key, next.Status);
        return false;
    }

    private async Task RecordAsync(ScheduledAppointment appointment, ReminderClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await schedule.RecordReminderAsync(appointment.Id, appointment.StartUtc, claim.ToState(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record reminder state {Status} on appointment {AppointmentId}", claim.Status, appointment.Id);
        }
    }

    private sealed record HeldClaim(ReminderClaim Claim, string ETag);
}
