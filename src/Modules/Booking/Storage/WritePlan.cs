using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// The keys one appointment write reads and writes, and what it makes of them: decided in memory from one bulk read,
/// enforced by the ETags (or first-writes) of every key it writes. The document goes first: it is the witness, its
/// bytes written only by this change.
/// </summary>
internal sealed class WritePlan
{
    private readonly AppointmentWrite _write;
    private readonly Appointment? _current;
    private readonly Appointment _next;
    private readonly byte[] _document;
    private readonly OutboxEvent? _event;
    private readonly TimeZoneInfo _zone;
    private readonly DateTimeOffset _now;

    public WritePlan(AppointmentWrite write, OutboxEvent? outboxEvent, TimeZoneInfo zone, DateTimeOffset now)
    {
        (_write, _current, _next, _event, _zone, _now) = (write, write.Current?.Appointment, write.Next, outboxEvent, zone, now);
        _document = JsonSerializer.SerializeToUtf8Bytes(_next, StorageJson.Default.Appointment);
        DocumentKey = BookingKeys.Appointment(_next.Id);
        DayKeys = [.. DaysOf(_current).Concat(DaysOf(_next)).Distinct(StringComparer.Ordinal)];

        // With a buffer, an appointment of the day before (or after) may keep this one's time: read those lists too.
        var buffer = TimeSpan.FromMinutes(write.BufferMinutes);
        CheckKeys = _next.HoldsTime && !_next.IsDeleted
            ? [.. BookingKeys.DaysOf(_next.StartUtc - buffer, _next.EndUtc + buffer, _zone).Select(day => BookingKeys.DoctorDay(_next.Doctor, day))]
            : [];
        MonthKeys = [.. new[] { MonthOf(_current), MonthOf(_next) }.OfType<string>().Distinct(StringComparer.Ordinal)];
        if (_current is { IsDeleted: false } && !_next.IsDeleted && IndexEntry.Of(_current) == IndexEntry.Of(_next))
        {
            MonthKeys = []; // listed where it was, as it was
        }

        // The patient's appointments the new time could meet start at most the longest visit before it: in these months.
        var start = _next.StartUtc;
        CheckMonthKeys = TakesTime
            ? [.. new[] { start.AddMinutes(-Appointment.MaxMinutes), start, _next.EndUtc.AddTicks(-1) }
                .Select(at => BookingKeys.PatientMonth(_next.Username, BookingKeys.MonthOf(at))).Distinct(StringComparer.Ordinal)]
            : [];
        ThisMonthKey = _next.HoldsTime && _current is not { HoldsTime: true } && write.MaxActiveAhead is not null
            ? BookingKeys.PatientMonth(_next.Username, BookingKeys.MonthOf(now))
            : null;

        (SlotBefore, SlotAfter) = (SlotOf(_current), SlotOf(_next));
        TouchesPatient = _current is null || EventTime.Of(_current) != EventTime.Of(_next) || MonthKeys.Count > 0 || write.Idempotency is not null;
        DeletedKey = _next.DeletedAt is { } at && _current is { IsDeleted: false } ? BookingKeys.DeletedOn(at, BookingKeys.DeletedShardOf(_next.Id)) : null;
    }

    public string DocumentKey { get; }

    public byte[] Document => _document;

    public bool TakesTime => _next.HoldsTime && EventTime.Of(_current) != EventTime.Of(_next);

    private List<string> DayKeys { get; }

    /// <summary>The doctor's days whose lists the new time is checked against: its own and, with a buffer, its neighbours'.</summary>
    private List<string> CheckKeys { get; }

    private List<string> MonthKeys { get; }

    /// <summary>The patient's months whose lists the new time is checked against.</summary>
    private List<string> CheckMonthKeys { get; }

    /// <summary>The patient's list of this month, when a cap on appointments ahead counts the ones still ahead in it.</summary>
    private string? ThisMonthKey { get; }

    private string? SlotBefore { get; }

    private string? SlotAfter { get; }

    private bool TouchesPatient { get; }

    private string? DeletedKey { get; }

    private string PatientKey => BookingKeys.Patient(_next.Username);

    /// <summary>Every key the plan reads, the outbox's at <paramref name="tail"/> when the change has an event.</summary>
    public List<string> Keys(int lane, long tail)
    {
        List<string> keys = [DocumentKey, .. DayKeys.Union(CheckKeys, StringComparer.Ordinal)];
        keys.AddRange(MonthKeys.Union(CheckMonthKeys, StringComparer.Ordinal).Union(ThisMonthKey is null ? [] : [ThisMonthKey], StringComparer.Ordinal));
        keys.AddRange(new[] { SlotBefore, SlotAfter, TouchesPatient ? PatientKey : null, DeletedKey }.OfType<string>().Distinct(StringComparer.Ordinal));
        if (_write.Idempotency is { } claim)
        {
            keys.Add(BookingKeys.Idempotency(_next.Username, claim.KeyHash));
        }

        if (_event is not null)
        {
            keys.Add(BookingKeys.OutboxLane(lane));
            keys.Add(BookingKeys.OutboxEvent(lane, tail));
        }

        if (_write.Schedule is { } schedule)
        {
            keys.Add(schedule.Key);
        }

        if (_write.Acceptance is { } acceptance)
        {
            keys.Add(BookingKeys.WaitlistEntry(acceptance.EntryId));
        }

        return keys;
    }

    /// <summary>
    /// What the write does to <paramref name="read"/> (the entries of <see cref="Keys"/>): a refusal, <c>Written</c> when
    /// the witness shows it already landed, or the operations. <paramref name="laneStale"/> when the outbox lane's number
    /// is taken or below its head: look for the lane's end and plan again.
    /// </summary>
    public (WriteOutcome? Outcome, List<StateOperation>? Operations, bool LaneStale) Decide(IReadOnlyList<StateEntry> read, int lane, long tail)
    {
        var entries = read.ToDictionary(e => e.Key, StringComparer.Ordinal);
        var document = entries[DocumentKey];
        if (document.Holds(_document))
        {
            return (WriteOutcome.Written, null, false);
        }

        if (_write.Current is { } stored ? document.ETag != stored.ETag : document.Exists)
        {
            return (WriteOutcome.Changed, null, false);
        }

        if (_write.Schedule is { } schedule && entries[schedule.Key].ETag != schedule.ETag)
        {
            return (WriteOutcome.ScheduleChanged, null, false);
        }

        if (_write.Acceptance is { } acceptance && entries[BookingKeys.WaitlistEntry(acceptance.EntryId)].ETag != acceptance.ETag)
        {
            return (WriteOutcome.OfferGone, null, false);
        }

        List<StateOperation> operations = [_write.Current is { } was ? StateOperation.Save(DocumentKey, _document, was.ETag) : StateOperation.Create(DocumentKey, _document)];
        operations.Add(StateOperation.Create(BookingKeys.History(_next.Id, _next.Version), JsonSerializer.SerializeToUtf8Bytes(_write.History, StorageJson.Default.HistoryEntry)));

        var (days, months) = (Parsed(entries, DayList.Read), Parsed(entries, IndexList.Read));
        var refusal = PlanDays(entries, days, operations) ?? PlanSlots(entries, operations) ?? PlanPatient(entries, months, operations);
        if (refusal is not null)
        {
            return (refusal, null, false);
        }

        PlanMonths(entries, months, operations);
        PlanDeleted(entries, operations);
        if (_write.Idempotency is { } claim)
        {
            var key = entries[BookingKeys.Idempotency(_next.Username, claim.KeyHash)];
            if (IdempotencyRecord.ReadLive(key, _now) is not null)
            {
                return (WriteOutcome.KeyTaken, null, false);
            }

            operations.Add(claim.Record.Write(key));
        }

        if (_write.Acceptance is { } accepted)
        {
            operations.Add(StateOperation.Save(BookingKeys.WaitlistEntry(accepted.EntryId), accepted.Booked(_next.Id), accepted.ETag));
        }

        if (_event is not null)
        {
            if (entries[BookingKeys.OutboxEvent(lane, tail)].Exists || tail < OutboxLane.Read(entries[BookingKeys.OutboxLane(lane)]).Head)
            {
                return (null, null, true);
            }

            operations.Add(StateOperation.Create(BookingKeys.OutboxEvent(lane, tail), _event.ToBytes()));
        }

        return (null, operations, false);
    }

    /// <summary>Each list of the read parsed at most once, however many of the plan's checks and writes look at it.</summary>
    private static Func<string, List<T>> Parsed<T>(Dictionary<string, StateEntry> entries, Func<StateEntry, List<T>> read)
    {
        var parsed = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        return key => parsed.TryGetValue(key, out var list) ? list : parsed[key] = read(entries[key]);
    }

    private WriteOutcome? PlanDays(Dictionary<string, StateEntry> entries, Func<string, List<DayEntry>> days, List<StateOperation> operations)
    {
        var after = DaysOf(_next).ToHashSet(StringComparer.Ordinal);
        var entry = DayEntry.Of(_next);
        var buffer = TimeSpan.FromMinutes(_write.BufferMinutes).Ticks;
        if (TakesTime && CheckKeys.Any(key => DayList.Taken(days(key), _next.Id, entry.Start, entry.End, buffer)))
        {
            return WriteOutcome.TimeTaken;
        }

        // A time held for a waitlist entry is that entry's to book: the accepting booking removes the hold it takes.
        var (now, accepted) = (_now.UtcTicks, _write.Acceptance?.EntryId);
        if (TakesTime && CheckKeys.Any(key => DayList.HeldForOthers(days(key), accepted, entry.Start, entry.End, buffer, now)))
        {
            return WriteOutcome.SlotHeld;
        }

        if (accepted is not null && !DayKeys.Any(key => days(key).Any(e => e.Id == accepted && e.IsLiveHold(now) && e.Start == entry.Start)))
        {
            return WriteOutcome.OfferGone;
        }

        foreach (var key in DayKeys)
        {
            var list = days(key);
            var next = DayList.With(list, _next.Id, after.Contains(key) ? entry : null);
            next.RemoveAll(e => e.Id == accepted);
            if (!next.SequenceEqual(list))
            {
                operations.Add(DayList.Write(entries[key], next));
            }
        }

        // A neighbour's list read only for the buffer is written back as it was: its ETag (or first write) then makes a
        // booking landing there meanwhile fail one of the two, as the lists this one changes do.
        if (TakesTime)
        {
            operations.AddRange(CheckKeys.Except(DayKeys, StringComparer.Ordinal).Select(key => DayList.Write(entries[key], days(key))));
        }

        return null;
    }

    private WriteOutcome? PlanSlots(Dictionary<string, StateEntry> entries, List<StateOperation> operations)
    {
        if (SlotAfter is not null && (SlotAfter != SlotBefore || EventTime.Of(_current) != EventTime.Of(_next)))
        {
            var stored = entries[SlotAfter];
            if (SlotHolder.Read(stored) is { } holder && holder.Id != _next.Id && holder.End > _now)
            {
                return WriteOutcome.TimeTaken;
            }

            operations.Add(Lists.Write(stored, new SlotHolder(_next.Id, _next.EndUtc).ToBytes()));
        }

        if (SlotBefore is not null && SlotBefore != SlotAfter && SlotHolder.Read(entries[SlotBefore])?.Id == _next.Id)
        {
            var held = entries[SlotBefore];

            // Given back only while it is still this appointment's: another booking may hold that name now.
            operations.Add(StateOperation.Delete(held.Key, held.ETag));
        }

        return null;
    }

    private WriteOutcome? PlanPatient(Dictionary<string, StateEntry> entries, Func<string, List<IndexEntry>> months, List<StateOperation> operations)
    {
        if (!TouchesPatient)
        {
            return null;
        }

        // Every change of what these lists say about the patient's time also writes the record: its ETag orders them.
        var (start, end) = (_next.StartUtc.UtcTicks, _next.EndUtc.UtcTicks);
        if (CheckMonthKeys.Any(key => months(key).Any(e => e.Id != _next.Id && e.Holds && e.Start < end && start < e.End)))
        {
            return WriteOutcome.PatientBusy;
        }

        var stored = entries[PatientKey];
        var record = PatientRecord.Read(stored);
        if (ThisMonthKey is not null && _write.MaxActiveAhead is { } max
            && record.HoldingFromThisMonth(_now) >= max && record.HoldingAhead(_next.Id, months(ThisMonthKey), _now) >= max)
        {
            return WriteOutcome.TooManyActive;
        }

        var next = record.After(_current, _next, _write.Idempotency?.KeyHash, _now, out var expired);
        operations.Add(next.Write(stored));
        operations.AddRange(expired.Select(hash => StateOperation.Delete(BookingKeys.Idempotency(_next.Username, hash))));
        return null;
    }

    private void PlanMonths(Dictionary<string, StateEntry> entries, Func<string, List<IndexEntry>> months, List<StateOperation> operations)
    {
        var after = MonthOf(_next);
        foreach (var key in MonthKeys)
        {
            var list = months(key).ToList();
            list.RemoveAll(e => e.Id == _next.Id);
            if (key == after)
            {
                IndexList.Insert(list, IndexEntry.Of(_next));
            }

            operations.Add(IndexList.Write(entries[key], list));
        }
    }

    private void PlanDeleted(Dictionary<string, StateEntry> entries, List<StateOperation> operations)
    {
        if (DeletedKey is not null)
        {
            var list = IndexList.Read(entries[DeletedKey]);
            IndexList.Insert(list, new IndexEntry(_next.Id, _next.DeletedAt!.Value.UtcTicks));
            operations.Add(IndexList.Write(entries[DeletedKey], list));
        }
    }

    private IEnumerable<string> DaysOf(Appointment? appointment) =>
        appointment is null or { IsDeleted: true } ? [] : BookingKeys.DaysOf(appointment, _zone).Select(day => BookingKeys.DoctorDay(appointment.Doctor, day));

    private static string? MonthOf(Appointment? appointment) =>
        appointment is null or { IsDeleted: true } ? null : BookingKeys.PatientMonth(appointment.Username, BookingKeys.MonthOf(appointment.StartUtc));

    private static string? SlotOf(Appointment? appointment) =>
        appointment is { HoldsTime: true, Slot: { Length: > 0 } slot } ? BookingKeys.Slot(appointment.Doctor, slot) : null;
}
