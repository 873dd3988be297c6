using System.Diagnostics;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Notices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications;

/// <summary>One message to deliver at most once per claim key, and how to report where it stands.</summary>
/// <param name="What">What it is, for the log: "Reminder", "Confirmation notice".</param>
/// <param name="Address">The email address or phone number, as the patient gave it (may be missing).</param>
/// <param name="Message">Words the message for that address.</param>
/// <param name="Record">Tells Booking where the delivery stands, so the appointment shows it.</param>
internal sealed record Delivery(
    string ClaimKey,
    string What,
    string AppointmentId,
    ReminderMethod Method,
    string? Address,
    Func<string, OutgoingMessage> Message,
    Func<DeliveryState, CancellationToken, Task> Record)
{
    /// <summary>Whether a message found already sent or given up on is recorded again (a notice whose record was lost).</summary>
    public bool RecordWhenSettled { get; init; }

    /// <summary>Operations written with a new claim that make it fail unless the message is still owed (<c>IAppointmentEvents.StillPending</c>).</summary>
    public IReadOnlyList<StateOperation> ClaimGuard { get; init; } = [];

    /// <summary>Whether it counts towards <c>Notices:MaxPerRecipientPerDay</c> (notices and offers do, reminders do not).</summary>
    public bool CountsTowardsRecipientLimit { get; init; }
}

/// <param name="RetryDelay">How long after a transient failure (the attempt number given) the next may start.</param>
internal sealed record DeliveryPolicy(int MaxAttempts, TimeSpan ClaimLease, Func<int, TimeSpan> RetryDelay, TimeSpan SendTimeout);

internal enum DeliveryOutcome
{
    /// <summary>Found sent or given up on already.</summary>
    Settled,

    /// <summary>Found waiting for a later attempt.</summary>
    Waiting,

    /// <summary>Another scanner holds the claim now, or the message is no longer owed.</summary>
    Busy,
    Sent,
    Retrying,
    Failed,

    /// <summary>Never sent: its recipient had their share of messages, or SMS to its number is refused.</summary>
    Suppressed,
}

/// <summary>
/// The claim protocol reminders and notices share (ARCHITECTURE.md, "exactly-once reminders"): a first-write
/// claim key per message moves <c>sending</c> → <c>sent</c> / <c>retrying</c> / <c>failed</c>, always with its
/// ETag, so any number of scanners on any number of replicas send each message once. A <c>sending</c> claim
/// older than the lease is taken over: a crash between claim and send delays a message instead of losing it;
/// a crash between the send and its record can send it twice (the only window left, and docs/internals.md says so).
/// </summary>
internal sealed class ClaimedDelivery(
    IStateStore store,
    [FromKeyedServices(ReminderMethod.Email)] IMessageChannel email,
    [FromKeyedServices(ReminderMethod.Sms)] IMessageChannel sms,
    RecipientLimit recipients,
    IOptions<NoticesOptions> notices,
    TimeProvider time,
    ILogger<ClaimedDelivery> logger)
{
    /// <summary>Delivers unless another scanner holds the claim or it is settled; throws only on an outage or cancellation.</summary>
    public async Task<DeliveryOutcome> DeliverAsync(Delivery delivery, DeliveryPolicy policy, CancellationToken cancellationToken)
    {
        var (held, found) = await ClaimAsync(delivery, policy, cancellationToken);
        if (held is null)
        {
            return found;
        }

        var (claim, etag) = held;
        await RecordAsync(delivery, claim, cancellationToken);
        if (claim.Attempts > policy.MaxAttempts)
        {
            var gaveUp = new DeliveryException(DeliveryFailure.GaveUp, $"no attempt finished within the claim lease ({policy.MaxAttempts} attempts)", isTransient: false);
            return await FailAsync(delivery, etag, claim, gaveUp, cancellationToken);
        }

        if (await SuppressionAsync(delivery, cancellationToken) is { } suppressed)
        {
            return await SuppressAsync(delivery, etag, claim, suppressed, cancellationToken);
        }

        var failure = await SendAsync(delivery, policy.SendTimeout);
        if (failure is null)
        {
            // The provider has it: a stop requested now must not leave a 'sending' claim that a take-over sends again.
            var sent = claim.Sent(time.GetUtcNow());
            if (!await TransitionAsync(delivery, etag, sent, CancellationToken.None))
            {
                return DeliveryOutcome.Busy;
            }

            logger.LogInformation("{What} for appointment {AppointmentId} sent by {Method} (attempt {Attempt})",
                delivery.What, delivery.AppointmentId, delivery.Method, claim.Attempts);
            await RecordAsync(delivery, sent, CancellationToken.None);
            return DeliveryOutcome.Sent;
        }

        if (!failure.IsTransient || claim.Attempts >= policy.MaxAttempts)
        {
            return await FailAsync(delivery, etag, claim, failure, cancellationToken);
        }

        var retrying = claim.Retrying(failure.Category, time.GetUtcNow() + policy.RetryDelay(claim.Attempts));
        if (!await TransitionAsync(delivery, etag, retrying, cancellationToken))
        {
            return DeliveryOutcome.Busy;
        }

        logger.LogWarning("{What} for appointment {AppointmentId} not sent (attempt {Attempt} of {MaxAttempts}), retried on a later scan: {Category}: {Error}",
            delivery.What, delivery.AppointmentId, claim.Attempts, policy.MaxAttempts, failure.Category, failure.Message);
        await RecordAsync(delivery, retrying, cancellationToken);
        return DeliveryOutcome.Retrying;
    }

    /// <summary>
    /// Creates the claim, or re-claims a retrying one or a 'sending' one whose lease has ended, with the ETag just read.
    /// Returns no claim, and what was found, when there is nothing to do now or another scanner won.
    /// </summary>
    private async Task<(HeldClaim? Held, DeliveryOutcome Found)> ClaimAsync(Delivery delivery, DeliveryPolicy policy, CancellationToken cancellationToken)
    {
        var key = delivery.ClaimKey;
        var entry = await store.GetAsync(key, cancellationToken);
        var now = time.GetUtcNow();
        DeliveryClaim claim;
        List<StateOperation> claiming;
        if (entry.Value is null)
        {
            claim = DeliveryClaim.Sending(attempts: 1, now);
            claiming = [StateOperation.Create(key, claim.ToBytes()), .. delivery.ClaimGuard];
        }
        else
        {
            var previous = DeliveryClaim.Read(entry.Value);
            var due = previous.Status switch
            {
                DeliveryStatus.Retrying => previous.NextAttemptAt is null || previous.NextAttemptAt <= now,
                DeliveryStatus.Sending => now - previous.ClaimedAt >= policy.ClaimLease,
                _ => false,
            };
            if (!due)
            {
                if (delivery.RecordWhenSettled && previous.Status is DeliveryStatus.Sent or DeliveryStatus.Failed or DeliveryStatus.Suppressed)
                {
                    await RecordAsync(delivery, previous, cancellationToken);
                }

                return (null, previous.Status switch
                {
                    DeliveryStatus.Sent or DeliveryStatus.Failed or DeliveryStatus.Suppressed => DeliveryOutcome.Settled,
                    DeliveryStatus.Retrying => DeliveryOutcome.Waiting,
                    _ => DeliveryOutcome.Busy,
                });
            }

            claim = DeliveryClaim.Sending(previous.Attempts + 1, now);
            claiming = [StateOperation.Save(key, claim.ToBytes(), entry.ETag), .. delivery.ClaimGuard];
            if (previous.Status == DeliveryStatus.Sending)
            {
                logger.LogWarning("{What} for appointment {AppointmentId} taken over: the claim from {ClaimedAt} outlived its lease",
                    delivery.What, delivery.AppointmentId, previous.ClaimedAt);
            }
        }

        if (!await store.TryExecuteAsync(claiming, cancellationToken))
        {
            return (null, DeliveryOutcome.Busy);
        }

        // The store does not hand back the new ETag: read it, and make sure the claim there is still ours.
        var written = await store.GetAsync(key, cancellationToken);
        return written.Value is not null && DeliveryClaim.Read(written.Value).ClaimId == claim.ClaimId
            ? (new HeldClaim(claim, written.ETag), DeliveryOutcome.Busy)
            : (null, DeliveryOutcome.Busy);
    }

    /// <summary>
    /// Sends under the send's own timeout only: a stop never cuts a send short. A Dapr binding ignores the call's
    /// cancellation and sends anyway, and a provider may have taken a message whose answer was not read yet; a send
    /// cancelled by a stop would leave its claim 'sending' for a take-over to send again. The host waits for it
    /// (<see cref="NotificationsModule"/> sizes the shutdown timeout from the send timeout).
    /// </summary>
    private async Task<DeliveryException?> SendAsync(Delivery delivery, TimeSpan timeout)
    {
        var channel = delivery.Method == ReminderMethod.Sms ? sms : email;
        if (string.IsNullOrWhiteSpace(delivery.Address))
        {
            return new DeliveryException(DeliveryFailure.NoAddress, $"the appointment has no address for {delivery.Method}", isTransient: false);
        }

        using var send = new CancellationTokenSource(timeout, time);
        try
        {
            await channel.SendAsync(delivery.Message(delivery.Address), send.Token);
            return null;
        }
        catch (DeliveryException ex)
        {
            return ex;
        }
        catch (OperationCanceledException)
        {
            // One hung send must not hold up the rest of the scan. It may still go out (a Dapr binding ignores the
            // call's cancellation), so the retry could deliver it twice: better than a message never tried again.
            return new DeliveryException(DeliveryFailure.TimedOut, $"no answer within {timeout}", isTransient: true);
        }
    }

    /// <summary>
    /// Why this message must not go although it could: a number SMS is never sent to, or a recipient that has had its
    /// share today (counted here, just before the send, so that only sends count). Null when it may go.
    /// </summary>
    private async Task<string?> SuppressionAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(delivery.Address))
        {
            return null;
        }

        if (delivery.Method == ReminderMethod.Sms && SmsDestinations.IsRefused(delivery.Address, notices.Value.SmsAllowedPrefixes))
        {
            return Suppression.RefusedDestination;
        }

        return delivery.CountsTowardsRecipientLimit && !await recipients.TryTakeAsync(delivery.Address, delivery.ClaimKey, cancellationToken)
            ? Suppression.RecipientLimit
            : null;
    }

    private async Task<DeliveryOutcome> SuppressAsync(Delivery delivery, string etag, DeliveryClaim claim, string reason, CancellationToken cancellationToken)
    {
        var suppressed = claim.Suppressed(reason);
        if (!await TransitionAsync(delivery, etag, suppressed, cancellationToken))
        {
            return DeliveryOutcome.Busy;
        }

        logger.LogWarning("{What} for appointment {AppointmentId} suppressed, not sent by {Method}: {Reason}", delivery.What, delivery.AppointmentId, delivery.Method, reason);
        await RecordAsync(delivery, suppressed, cancellationToken);
        return DeliveryOutcome.Suppressed;
    }

    private async Task<DeliveryOutcome> FailAsync(Delivery delivery, string etag, DeliveryClaim claim, DeliveryException failure, CancellationToken cancellationToken)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, failure.Category);
        var failed = claim.Failed(failure.Category);
        if (!await TransitionAsync(delivery, etag, failed, cancellationToken))
        {
            return DeliveryOutcome.Busy;
        }

        logger.LogError("{What} for appointment {AppointmentId} failed after {Attempts} attempt(s): {Category}: {Error}",
            delivery.What, delivery.AppointmentId, claim.Attempts, failure.Category, failure.Message);
        await RecordAsync(delivery, failed, cancellationToken);
        return DeliveryOutcome.Failed;
    }

    private async Task<bool> TransitionAsync(Delivery delivery, string etag, DeliveryClaim next, CancellationToken cancellationToken)
    {
        if (await store.TryExecuteAsync([StateOperation.Save(delivery.ClaimKey, next.ToBytes(), etag)], cancellationToken))
        {
            return true;
        }

        logger.LogWarning("Claim {Key} was taken over by another scanner before it could be marked {Status}", delivery.ClaimKey, next.Status);
        return false;
    }

    private async Task RecordAsync(Delivery delivery, DeliveryClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await delivery.Record(claim.ToState(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record {What} state {Status} on appointment {AppointmentId}", delivery.What, claim.Status, delivery.AppointmentId);
        }
    }

    private sealed record HeldClaim(DeliveryClaim Claim, string ETag);
}
