using System.Diagnostics;
using System.Diagnostics.Metrics;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications;

/// <summary>
/// The reminder and notice counters (<c>reminders.sent</c>, <c>notices.sent</c>, … tagged by method), and the spans of
/// scans, under one name (<see cref="NotificationsModule.TelemetryName"/>).
/// </summary>
internal sealed class DeliveryMetrics
{
    public const string MeterName = NotificationsModule.TelemetryName;

    /// <summary>A span per scan and per message it handles; recorded only when someone listens (OpenTelemetry, a test).</summary>
    public static readonly ActivitySource Tracing = new(NotificationsModule.TelemetryName);

    private readonly Counters _reminders;
    private readonly Counters _notices;

    public DeliveryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _reminders = new Counters(meter, "reminders", "Reminders");
        _notices = new Counters(meter, "notices", "Notices");
    }

    public void Reminder(DeliveryOutcome outcome, ReminderMethod method) => _reminders.Count(outcome, method);

    public void Notice(DeliveryOutcome outcome, ReminderMethod method) => _notices.Count(outcome, method);

    private sealed class Counters(Meter meter, string prefix, string what)
    {
        private readonly Counter<long> _sent = meter.CreateCounter<long>($"{prefix}.sent", description: $"{what} delivered.");
        private readonly Counter<long> _failed = meter.CreateCounter<long>($"{prefix}.failed", description: $"{what} given up on.");
        private readonly Counter<long> _retried = meter.CreateCounter<long>($"{prefix}.retried", description: "Transient failures left for a later scan.");
        private readonly Counter<long> _suppressed = meter.CreateCounter<long>($"{prefix}.suppressed", description: $"{what} never sent: the recipient's daily limit, or a number SMS never goes to.");

        public void Count(DeliveryOutcome outcome, ReminderMethod method)
        {
            var counter = outcome switch
            {
                DeliveryOutcome.Sent => _sent,
                DeliveryOutcome.Failed => _failed,
                DeliveryOutcome.Retrying => _retried,
                DeliveryOutcome.Suppressed => _suppressed,
                _ => null,
            };
            counter?.Add(1, new KeyValuePair<string, object?>("method", method == ReminderMethod.Sms ? "sms" : "email"));
        }
    }
}
