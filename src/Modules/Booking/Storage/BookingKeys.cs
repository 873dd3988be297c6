using System.Globalization;

namespace Appointments.Booking.Storage;

/// <summary>
/// Booking's key layout. Every key uses <c>|</c> as separator (Dapr rejects <c>||</c>); doctor and slot
/// names cannot contain it, usernames are escaped.
/// </summary>
internal static class BookingKeys
{
    /// <summary>Overlap is detected on cells of this size: two bookings that overlap share a cell key.</summary>
    public static readonly TimeSpan CellSize = TimeSpan.FromMinutes(5);

    public const int StartIndexShards = 4;

    public const int DoctorDayShards = 4;

    /// <summary>
    /// Far more lists than bookings in flight at once (64 callers), so that two seldom share one: the appointment
    /// id's last three hex digits modulo 1,024.
    /// </summary>
    public const int NoticeShards = 1024;

    /// <summary>Before there were 1,024 lists: the id's last two hex digits modulo 64.</summary>
    private const int LegacyNoticeShards = 64;

    private const string DoctorTime = "doctor-time|";
    private const string PatientTime = "patient-time|";

    public static string Appointment(string id) => $"appointment|{id}";

    public static string Slot(string doctor, string slot) => $"doctor-slot|{doctor}|{slot}";

    /// <summary>The audit record of an appointment's <paramref name="version"/>-th change, created first-write with it.</summary>
    public static string History(string id, int version) => $"history|{id}|{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reminder and notice bookkeeping, beside the document so that sending a message never moves its ETag.</summary>
    public static string Deliveries(string id) => $"appointment-deliveries|{id}";

    /// <summary>The outbox record of a notice, created first-write with the change that owes it.</summary>
    public static string Notice(string noticeId) => $"notice|{noticeId}";

    /// <summary>
    /// Notices not yet sent or given up on, sharded by appointment so that concurrent changes seldom touch the
    /// same list (each booking read-modify-writes one under its ETag); a scan reads every shard.
    /// </summary>
    public static string PendingNotices(int shard) => $"notices-pending|{shard.ToString(CultureInfo.InvariantCulture)}";

    public static string PendingNoticesOf(string appointmentId) => PendingNotices(Convert.ToInt32(appointmentId[^3..], 16) % NoticeShards);

    /// <summary>
    /// Where a notice owed before the 1,024 lists waits until it is sent: one of the first 64, which a scan still
    /// reads. The same list as <see cref="PendingNoticesOf"/> for some appointments.
    /// </summary>
    public static string LegacyPendingNoticesOf(string appointmentId) => PendingNotices(Convert.ToInt32(appointmentId[^2..], 16) % LegacyNoticeShards);

    /// <summary>
    /// The <c>Idempotency-Key</c>s used for a patient's bookings in the last 24 hours whose hash starts with the same
    /// hex digit as <paramref name="keyHash"/>: sixteen records per patient, so an account that books often with keys
    /// (a kiosk's, a family's) neither rewrites one record holding its whole day of keys nor makes its bookings race for it.
    /// </summary>
    public static string Idempotency(string username, string keyHash) => $"idempotency|{Uri.EscapeDataString(username)}|{keyHash[0]}";

    /// <summary>Where a patient's keys were kept before the sixteen records: still read, and removed once none of its keys is live.</summary>
    public static string LegacyIdempotency(string username) => $"idempotency|{Uri.EscapeDataString(username)}";

    /// <summary>The months (<c>yyyyMM</c>, UTC) in which a user has appointments, so a page knows which buckets to read.</summary>
    public static string UserMonths(string username) => $"user-months|{Uri.EscapeDataString(username)}";

    /// <summary>A user's appointments starting in one month, ordered by start: a page reads only the months it shows.</summary>
    public static string UserMonth(string username, string month) => $"user-appointments|{Uri.EscapeDataString(username)}|{month}";

    /// <summary>Appointments deleted on one day (UTC): retention strips their contact data once the day is old enough.</summary>
    public static string DeletedOn(DateTimeOffset utc) => $"deleted-appointments|{utc.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    /// <summary>How far a retention pass has got, so the next one starts there.</summary>
    public static string RetentionMark(string name) => $"retention|{name}";

    public static string MonthOf(DateTimeOffset utc) => utc.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    public static string MonthOf(long utcTicks) => MonthOf(new DateTimeOffset(utcTicks, TimeSpan.Zero));

    /// <summary>
    /// Rewritten by every appointment write that involves the doctor and every save of their schedule, in the same
    /// transaction: while its ETag stays, nothing the doctor's free slots or agenda show has changed. Its value is
    /// whatever the write had at hand; the ETag is the version.
    /// </summary>
    public static string DoctorVersion(string doctor) => $"doctor-version|{doctor}";

    /// <summary>A doctor's schedule: weekly hours, slot length, closed dates.</summary>
    public static string Schedule(string doctor) => $"doctor-schedule|{doctor}";

    /// <summary>
    /// A doctor's appointments by the clinic-local date of their start, so the agenda and the free-slot search read
    /// a few keys a day whatever else the doctor has booked. Sharded like the start-hour index: every booking of a
    /// doctor's day updates its key, and one key takes only about 20 writers at once before retries run out.
    /// </summary>
    public static string DoctorDay(string doctor, DateOnly day, int shard) =>
        $"doctor-day|{doctor}|{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{shard.ToString(CultureInfo.InvariantCulture)}";

    public static string DoctorDayFor(Appointment appointment, TimeZoneInfo zone) =>
        DoctorDay(appointment.Doctor, Booking.Schedule.DayOf(appointment.StartUtc, zone), ShardOf(appointment.Id, DoctorDayShards));

    /// <summary>Appointments by start hour, sharded so that a busy hour is not one hot key.</summary>
    public static string StartIndex(DateTimeOffset hourUtc, int shard) =>
        $"appointment-starts|{hourUtc.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}|{shard}";

    public static string StartIndexFor(Appointment appointment) =>
        StartIndex(appointment.StartUtc, ShardOf(appointment.Id, StartIndexShards));

    /// <summary>The doctor's time-cell keys an appointment holds: every cell its [start, end) touches.</summary>
    public static IEnumerable<string> Cells(Appointment appointment) => CellsOf(appointment, $"{DoctorTime}{appointment.Doctor}|");

    /// <summary>The same cells of the patient's time: a patient's active appointments never overlap either.</summary>
    public static IEnumerable<string> PatientCells(Appointment appointment) =>
        CellsOf(appointment, $"{PatientTime}{Uri.EscapeDataString(appointment.Username)}|");

    /// <summary>Every key that says "this time or slot is taken", which only one active appointment may create.</summary>
    public static IEnumerable<string> Holds(Appointment appointment)
    {
        foreach (var cell in Cells(appointment).Concat(PatientCells(appointment)))
        {
            yield return cell;
        }

        if (appointment.HoldsTime && !string.IsNullOrEmpty(appointment.Slot))
        {
            yield return Slot(appointment.Doctor, appointment.Slot);
        }
    }

    /// <summary>Whether a hold key is the patient's own time rather than the doctor's time or slot.</summary>
    public static bool IsPatientTime(string key) => key.StartsWith(PatientTime, StringComparison.Ordinal);

    private static IEnumerable<string> CellsOf(Appointment appointment, string prefix)
    {
        if (!appointment.HoldsTime)
        {
            yield break;
        }

        for (var cell = Floor(appointment.StartUtc, CellSize); cell < appointment.EndUtc; cell += CellSize)
        {
            yield return prefix + cell.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        }
    }

    public static DateTimeOffset Floor(DateTimeOffset utc, TimeSpan size) =>
        new(utc.UtcTicks - (utc.UtcTicks % size.Ticks), TimeSpan.Zero);

    // Ids end in random hex digits, so the last one spreads appointments evenly over the shards.
    private static int ShardOf(string id, int shards) => Convert.ToInt32(id[^1..], 16) % shards;
}
