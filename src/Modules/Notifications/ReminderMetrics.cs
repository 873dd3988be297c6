using System.Diagnostics;
using System.Diagnostics.Metrics;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications;

/// <summary>The reminder counters, and the spans of reminder scans, under one name (<see cref="NotificationsModule.TelemetryName"/>).</summary>
internal sealed class ReminderMetrics
{
    public const string MeterName = NotificationsModule.TelemetryName;

    /// <summary>A span per scan and per reminder it handles; recorded only when someone listens (OpenTelemetry, a test).</summary>
    public static readonly ActivitySource Tracing = new(NotificationsModule.TelemetryName);

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;

    public ReminderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sent = meter.CreateCounter<long>("reminders.sent", description: "Reminders delivered.");
        _failed = meter.CreateCounter<long>("reminders.failed", description: "Reminders given up on.");
        _retried = meter.CreateCounter<long>("reminders.retried", description: "Transient failures left for a later scan.");
    }

    public void Sent(ReminderMethod method) => _sent.Add(1, Tag(method));

    public void Failed(ReminderMethod method) => _failed.Add(1, Tag(method));

    public void Retried(ReminderMethod method) => _retried.Add(1, Tag(method));

    private static KeyValuePair<string, object?> Tag(ReminderMethod method) =>
        new("method", method == ReminderMethod.Sms ? "sms" : "email");
}
