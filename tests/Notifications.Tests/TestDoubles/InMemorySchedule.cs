using System.Collections.Concurrent;
using Appointments.Booking.Contracts;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>Booking's contract over a list, until Booking's own implementation lands.</summary>
internal sealed class InMemorySchedule : IAppointmentSchedule
{
    private readonly Lock _lock = new();
    private readonly List<ScheduledAppointment> _appointments = [];
    private int _queries;

    public ConcurrentQueue<(string AppointmentId, DateTimeOffset StartUtc, DeliveryState State)> Recorded { get; } = new();

    public bool QueryFails { get; set; }

    /// <summary>How many times a scan asked what is due.</summary>
    public int Queries => Volatile.Read(ref _queries);

    public bool RecordFails { get; set; }

    public static ScheduledAppointment Appointment(
        string id, DateTimeOffset startUtc, ReminderMethod method = ReminderMethod.Email, string? email = "alice@example.com") =>
        new(id, "alice", "dr-house", startUtc, startUtc.UtcDateTime, "UTC", method, email, "+15555550100");

    public ScheduledAppointment Add(ScheduledAppointment appointment)
    {
        lock (_lock)
        {
            _appointments.Add(appointment);
        }

        return appointment;
    }

    public ScheduledAppointment Reschedule(string id, DateTimeOffset newStartUtc)
    {
        lock (_lock)
        {
            var index = _appointments.FindIndex(a => a.Id == id);
            var moved = _appointments[index] with { StartUtc = newStartUtc, LocalStart = newStartUtc.UtcDateTime };
            _appointments[index] = moved;
            return moved;
        }
    }

    public IReadOnlyList<string> RecordedStatuses(string appointmentId) =>
        Recorded.Where(r => r.AppointmentId == appointmentId).Select(r => r.State.Status).ToList();

    public Task<IReadOnlyList<ScheduledAppointment>> StartingBetweenAsync(DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queries);
        if (QueryFails)
        {
            throw new InvalidOperationException("Booking is broken");
        }

        lock (_lock)
        {
            IReadOnlyList<ScheduledAppointment> due = _appointments
                .Where(a => a.StartUtc >= fromUtc && a.StartUtc < toUtc)
                .OrderBy(a => a.StartUtc)
                .ToList();
            return Task.FromResult(due);
        }
    }

    public Task RecordReminderAsync(string appointmentId, DateTimeOffset startUtc, DeliveryState state, CancellationToken cancellationToken = default)
    {
        if (RecordFails)
        {
            throw new InvalidOperationException("Booking cannot record");
        }

        Recorded.Enqueue((appointmentId, startUtc, state));
        return Task.CompletedTask;
    }
}
