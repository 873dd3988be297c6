using System.Globalization;

namespace Appointments.Booking.Storage;

/// <summary>
/// Booking's key layout. Every key uses <c>|</c> as separator (Dapr rejects <c>||</c>); doctor and slot names cannot
/// contain it, usernames are escaped. A booking writes its document, its history record, and the lists of what really
/// competes with it: the doctor's day, the patient, the patient's month; a named slot, an idempotency key and an
/// outbox entry when it has them. Nothing that every booking of a doctor or of the clinic writes.
/// </summary>
internal static class BookingKeys
{
    public static string Appointment(string id) => $"appointment|{id}";

    /// <summary>
    /// The audit record of an appointment's <paramref name="version"/>-th change, created first-write with it. Beside its
    /// document in key order, so a booking's two new keys land on the same page of an ordered store.
    /// </summary>
    public static string History(string id, int version) => $"appointment|{id}|history|{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reminder and notice bookkeeping, beside the document so that sending a message never moves its ETag.</summary>
    public static string Deliveries(string id) => $"appointment|{id}|deliveries";

    /// <summary>A doctor's appointments touching one clinic-local day (<see cref="DayList"/>): overlap, agenda and free slots.</summary>
    public static string DoctorDay(string doctor, DateOnly day) =>
        $"doctor-day|{doctor}|{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static bool IsDoctorDay(string key) => key.StartsWith("doctor-day|", StringComparison.Ordinal);

    /// <summary>The one active appointment holding a named slot of a doctor (<see cref="SlotHolder"/>).</summary>
    public static string Slot(string doctor, string slot) => $"doctor-slot|{doctor}|{slot}";

    /// <summary>The doctors who have a schedule, sorted: the clinic's directory, written only when a schedule is first saved.</summary>
    public const string Doctors = "doctors";

    /// <summary>A doctor's schedule: weekly hours, slot length, closed dates.</summary>
    public static string Schedule(string doctor) => $"doctor-schedule|{doctor}";

    /// <summary>What every change of a patient's time reads and writes (<see cref="PatientRecord"/>).</summary>
    public static string Patient(string username) => $"patient|{Uri.EscapeDataString(username)}";

    /// <summary>A patient's appointments starting in one month (<c>yyyyMM</c>, UTC), ordered by start: a page reads only the months it shows.</summary>
    public static string PatientMonth(string username, string month) => $"patient-month|{Uri.EscapeDataString(username)}|{month}";

    /// <summary>What one <c>Idempotency-Key</c> (by its hash) of a patient was first used for, created first-write with the booking.</summary>
    public static string Idempotency(string username, string keyHash) => $"idempotency|{Uri.EscapeDataString(username)}|{keyHash}";

    /// <summary>The <paramref name="position"/>-th event of an outbox lane (<see cref="OutboxLanes"/>), created first-write with its change.</summary>
    public static string OutboxEvent(int lane, long position) =>
        $"outbox|{lane.ToString(CultureInfo.InvariantCulture)}|{position.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>How far the consumers of an outbox lane have got (<see cref="OutboxLane"/>).</summary>
    public static string OutboxLane(int lane) => $"outbox-lane|{lane.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Appointments deleted on one day (UTC), by the id's last hex digit: retention strips their contact data once the day is old enough.</summary>
    public static string DeletedOn(DateTimeOffset utc, int shard) =>
        $"deleted-appointments|{utc.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{shard.ToString("x", CultureInfo.InvariantCulture)}";

    public const int DeletedShards = 16;

    public static int DeletedShardOf(string id) => Convert.ToInt32(id[^1..], 16) % DeletedShards;

    /// <summary>One waitlist entry (<see cref="Waitlist.WaitlistEntry"/>).</summary>
    public static string WaitlistEntry(string id) => $"waitlist|{id}";

    /// <summary>A doctor's oldest waitlist entries, oldest first (<see cref="Waitlist.WaitlistLists"/>): the queue's head.</summary>
    public static string WaitlistQueue(string doctor) => $"waitlist-doctor|{doctor}";

    /// <summary>The rest of a doctor's waitlist entries, after those of its head.</summary>
    public static string WaitlistQueueLater(string doctor) => $"waitlist-doctor|{doctor}|later";

    /// <summary>The times held for a doctor's waitlist entries, with when each expires.</summary>
    public static string WaitlistOffers(string doctor) => $"waitlist-offers|{doctor}";

    /// <summary>A patient's waitlist entries, oldest first.</summary>
    public static string WaitlistPatient(string username) => $"waitlist-patient|{Uri.EscapeDataString(username)}";

    /// <summary>The doctors who have had a waitlist: where a sweep looks for offers that expired.</summary>
    public const string WaitlistDoctors = "waitlist-doctors";

    /// <summary>How far a retention pass has got, so the next one starts there.</summary>
    public static string RetentionMark(string name) => $"retention|{name}";

    public static string MonthOf(DateTimeOffset utc) => utc.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    public static string MonthOf(long utcTicks) => MonthOf(new DateTimeOffset(utcTicks, TimeSpan.Zero));

    /// <summary>The clinic-local days [start, end) touches: its doctor's day lists.</summary>
    public static IEnumerable<DateOnly> DaysOf(Appointment appointment, TimeZoneInfo zone) => DaysOf(appointment.StartUtc, appointment.EndUtc, zone);

    /// <summary>The clinic-local days [<paramref name="start"/>, <paramref name="end"/>) touches.</summary>
    public static IEnumerable<DateOnly> DaysOf(DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        var first = Booking.Schedule.DayOf(start, zone);
        var last = Booking.Schedule.DayOf(end.AddTicks(-1), zone);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            yield return day;
            if (day == DateOnly.MaxValue)
            {
                yield break;
            }
        }
    }
}
