using System.Collections.Concurrent;
using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Notices;

/// <summary>
/// One pass over Booking's outbox (<see cref="IAppointmentEvents"/>): each event's new start goes into the reminder index,
/// its notice is sent under its own claim with the protocol reminders use, and then the event ends; a notice that will
/// be tried again keeps its event, out of the way of the ones behind it. Racing scanners and replicas send each notice
/// once. A pass reads a bounded number of events, and goes on while there are more, or while ending them wrote more.
/// </summary>
internal sealed class NoticeScan(
    IAppointmentEvents events,
    ReminderIndex reminders,
    ClaimedDelivery deliveries,
    IOptions<NoticesOptions> options,
    IOptions<ReminderOptions> sending,
    IOptions<SmtpOptions> smtp,
    DeliveryMetrics metrics,
    ILogger<NoticeScan> logger)
{
    // Batches one pass works through before it leaves the rest to the next: a steady stream of bookings cannot keep one pass going forever.
    private const int MaxBatchesPerPass = 20;

    private readonly ScanGate _gate = new("Notice", logger);

    public static string ClaimKey(string noticeId) => $"notice-claim|{noticeId}";

    /// <summary>Scans once; never throws. Skips when a scan is already running in this process.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _gate.RunAsync(ScanOnceAsync, cancellationToken);

    private async Task ScanOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("notice scan");
        for (var pass = 0; pass < MaxBatchesPerPass; pass++)
        {
            var batch = await events.PendingAsync(options.Value.BatchSize, cancellationToken);
            activity?.AddTag("notices.pending", batch.Events.Count);
            if (batch.Events.Count == 0 && !batch.HasMore)
            {
                return;
            }

            // Ending events may write new ones (a waitlist offer for the time a cancel freed): look again while that happens.
            if (await ConsumeAsync(batch, cancellationToken) == 0 && !batch.HasMore)
            {
                return;
            }
        }
    }

    /// <summary>Works through one batch; returns how many of its events ended.</summary>
    private async Task<int> ConsumeAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        // Reminders first: an event ends only once its new start is in the index.
        await reminders.AddAsync(batch.Events.Select(DueEntry.Of), cancellationToken);

        var (done, retrying) = (new ConcurrentBag<AppointmentEvent>(), new ConcurrentBag<AppointmentEvent>());

        // Different appointments' notices go out a few at a time (each under its own claim, each over an SMTP
        // connection no other send is using at that moment); one appointment's stay in the order they were owed,
        // so a patient never reads the move before the booking.
        await Parallel.ForEachAsync(
            batch.Events.GroupBy(e => e.AppointmentId, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.SendConcurrency, CancellationToken = cancellationToken },
            async (appointmentEvents, token) =>
            {
                foreach (var appointmentEvent in appointmentEvents)
                {
                    var outcome = appointmentEvent.Notice is { } notice && options.Value.Enabled
                        ? await SendOnceAsync(appointmentEvent, notice, token)
                        : DeliveryOutcome.Settled;
                    if (outcome is DeliveryOutcome.Retrying or DeliveryOutcome.Waiting)
                    {
                        retrying.Add(appointmentEvent);
                    }
                    else if (outcome is not DeliveryOutcome.Busy)
                    {
                        done.Add(appointmentEvent);
                    }
                }
            });

        await events.CompleteAsync(batch, done, retrying, e => e.Notice is { } n ? [ClaimKey(n.Id)] : [], cancellationToken);
        return done.Count;
    }

    private async Task<DeliveryOutcome> SendOnceAsync(AppointmentEvent appointmentEvent, PendingNotice notice, CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("notice");
        activity?.SetTag("appointment.id", notice.AppointmentId);
        var o = options.Value;
        var delivery = new Delivery(
            ClaimKey(notice.Id),
            $"{notice.Kind} notice",
            notice.AppointmentId,
            notice.Method,
            notice.Method == ReminderMethod.Sms ? notice.Phone : notice.Email,
            to => Message(to, notice),
            (state, token) => events.RecordNoticeAsync(notice, state, token))
        {
            // A notice found already settled is still in the outbox only if recording it failed: record it again.
            RecordWhenSettled = true,
            ClaimGuard = events.StillPending(appointmentEvent),
            CountsTowardsRecipientLimit = true,
        };
        try
        {
            var outcome = await deliveries.DeliverAsync(delivery, new DeliveryPolicy(o.MaxAttempts, o.ClaimLease, o.Backoff, sending.Value.SendTimeout), cancellationToken);
            metrics.Notice(outcome, notice.Method);
            return outcome;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or StateStoreUnavailableException))
        {
            // Like a crash: the claim stays 'sending' and is taken over once its lease ends.
            logger.LogError(ex, "{Kind} notice for appointment {AppointmentId} failed unexpectedly; retried after the claim lease", notice.Kind, notice.AppointmentId);
            return DeliveryOutcome.Busy;
        }
    }

    private OutgoingMessage Message(string to, PendingNotice notice)
    {
        CalendarPart? invite = null;
        // An offer is not an appointment yet: no calendar entry until the patient accepts it.
        if (notice.Method == ReminderMethod.Email && notice.Kind != NoticeKind.Offer)
        {
            var (method, text) = CalendarInvite.For(notice, smtp.Value.Sender ?? "appointments@localhost");
            invite = new CalendarPart(method, text);
        }

        var body = notice.Method == ReminderMethod.Sms ? NoticeText.Sms(notice, options.Value.ClinicName) : NoticeText.Plain(notice);
        return new OutgoingMessage(to, NoticeText.Subject(notice.Kind), body, NoticeText.Html(notice), invite);
    }
}
