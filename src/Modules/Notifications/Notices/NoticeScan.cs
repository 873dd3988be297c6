using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Notices;

/// <summary>
/// One pass over Booking's outbox: every pending notice is sent under its own claim, with the protocol reminders
/// use, so racing scanners and replicas send each notice once. Reading the pending index costs the same
/// whether the clinic has a hundred appointments or a million.
/// </summary>
internal sealed class NoticeScan(
    INoticeOutbox outbox,
    ClaimedDelivery deliveries,
    IOptions<NoticesOptions> options,
    IOptions<ReminderOptions> sending,
    IOptions<SmtpOptions> smtp,
    DeliveryMetrics metrics,
    ILogger<NoticeScan> logger)
{
    private readonly ScanGate _gate = new("Notice", logger);

    public static string ClaimKey(string noticeId) => $"notice-claim|{noticeId}";

    /// <summary>Scans once; never throws. Skips when notices are off or a scan is already running in this process.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? _gate.RunAsync(ScanOnceAsync, cancellationToken) : Task.CompletedTask;

    private async Task ScanOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("notice scan");
        var pending = await outbox.PendingAsync(options.Value.BatchSize, cancellationToken);
        activity?.SetTag("notices.pending", pending.Count);

        // Different appointments' notices go out a few at a time (each under its own claim, each over an SMTP
        // connection no other send is using at that moment); one appointment's stay in the order they were owed,
        // so a patient never reads the move before the booking.
        await Parallel.ForEachAsync(
            pending.GroupBy(notice => notice.AppointmentId, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.SendConcurrency, CancellationToken = cancellationToken },
            async (notices, token) =>
            {
                foreach (var notice in notices)
                {
                    await SendOnceAsync(notice, token);
                }
            });
    }

    private async Task SendOnceAsync(PendingNotice notice, CancellationToken cancellationToken)
    {
        using var activity = DeliveryMetrics.Tracing.StartActivity("notice");
        activity?.SetTag("appointment.id", notice.AppointmentId);
        var o = options.Value;
        var delivery = new Delivery(
            ClaimKey(notice.Id),
            notice.CreatedAt.AddDays(2),
            $"{notice.Kind} notice",
            notice.AppointmentId,
            notice.Method,
            notice.Method == ReminderMethod.Sms ? notice.Phone : notice.Email,
            to => Message(to, notice),
            (state, token) => outbox.RecordAsync(notice, state, token))
        {
            // A notice found already settled is still in the pending index only if recording it failed: record it again.
            RecordWhenSettled = true,
            CountsTowardsRecipientLimit = true,
        };
        try
        {
            var outcome = await deliveries.DeliverAsync(delivery, new DeliveryPolicy(o.MaxAttempts, o.ClaimLease, o.Backoff, sending.Value.SendTimeout), cancellationToken);
            metrics.Notice(outcome, notice.Method);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or StateStoreUnavailableException))
        {
            // Like a crash: the claim stays 'sending' and is taken over once its lease ends.
            logger.LogError(ex, "{Kind} notice for appointment {AppointmentId} failed unexpectedly; retried after the claim lease", notice.Kind, notice.AppointmentId);
        }
    }

    private OutgoingMessage Message(string to, PendingNotice notice)
    {
        CalendarPart? invite = null;
        if (notice.Method == ReminderMethod.Email)
        {
            var (method, text) = CalendarInvite.For(notice, smtp.Value.Sender ?? "appointments@localhost");
            invite = new CalendarPart(method, text);
        }

        var body = notice.Method == ReminderMethod.Sms ? NoticeText.Sms(notice, options.Value.ClinicName) : NoticeText.Plain(notice);
        return new OutgoingMessage(to, NoticeText.Subject(notice.Kind), body, NoticeText.Html(notice), invite);
    }
}
