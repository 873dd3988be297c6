using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Waitlist;

/// <summary>What one settle read: the doctor's queue and offer list, and the day lists around the time.</summary>
internal sealed record OfferRead(string Doctor, DateTimeOffset Start, StateEntry Queue, StateEntry Offers, IReadOnlyList<StateEntry> Days);

/// <summary>
/// What settling one start does (<see cref="WaitlistOffers.SettleAsync"/>), decided in memory from what was read: which
/// hold ends, which waiting entries could take the time, and the operations that end the one and hold the time for the other.
/// </summary>
internal sealed class OfferPlan
{
    private readonly OfferRead _read;
    private readonly Release? _release;
    private readonly TimeSpan _hold;
    private readonly TimeZoneInfo _zone;
    private readonly List<(StateEntry Entry, List<DayEntry> List)> _days;
    private readonly List<OfferMark> _marks;
    private readonly long _start;

    public OfferPlan(OfferRead read, Release? release, DateTimeOffset now, TimeSpan hold, TimeZoneInfo zone)
    {
        (_read, _release, Now, _hold, _zone, _start) = (read, release, now, hold, zone, read.Start.UtcTicks);
        _days = read.Days.Select(d => (d, DayList.Read(d))).ToList();
        _marks = WaitlistLists.Offers(read.Offers);
        var nowTicks = now.UtcTicks;
        var holds = _days.SelectMany(d => d.List).Where(e => e.IsHold && e.Start == _start).DistinctBy(e => e.Id).ToList();
        if (release is not null)
        {
            Ending = holds.FirstOrDefault(h => h.Id == release.EntryId && h.IsLiveHold(nowTicks));
            Refusal = Ending is null ? OfferOutcome.Stale : null;
        }
        else if (holds.Any(h => h.IsLiveHold(nowTicks)))
        {
            Refusal = OfferOutcome.Unchanged; // offered already: settling an event twice, or on two replicas, is this
        }
        else
        {
            Ending = holds.FirstOrDefault();
        }

        NothingToDo = Refusal is null && Ending is null && !WaitlistLists.Oldest(read.Queue).Any() && !_marks.Any(m => m.Start == _start);
    }

    public DateTimeOffset Now { get; }

    public string Doctor => _read.Doctor;

    /// <summary>The head of the doctor's queue, as read.</summary>
    public StateEntry Head => _read.Queue;

    /// <summary>Set when there is nothing to settle, or the release asked for cannot be done.</summary>
    public OfferOutcome? Refusal { get; }

    public bool NothingToDo { get; }

    /// <summary>The hold at this start that ends: the released one, or one that expired.</summary>
    public DayEntry? Ending { get; }

    public IEnumerable<string> EndingKey => Ending is null ? [] : [BookingKeys.WaitlistEntry(Ending.Id)];

    private DateOnly Day => Schedule.DayOf(_read.Start, _zone);

    private DateOnly Today => Schedule.DayOf(Now, _zone);

    /// <summary>
    /// The queued entries whose days contain the time and whose visit fits it (inside the doctor's hours, meeting no
    /// appointment or live hold, each with the doctor's buffer, as a booking would), oldest first, read as far as enumerated:
    /// of the queue's head (<see cref="Head"/>), or of the rest of it.
    /// </summary>
    public IEnumerable<QueuedEntry> Candidates(Schedule? schedule, StateEntry list)
    {
        var (nowTicks, buffer) = (Now.UtcTicks, TimeSpan.FromMinutes(schedule?.BufferMinutes ?? 0).Ticks);
        var blocking = _days.SelectMany(d => d.List).Where(e => e.Id != Ending?.Id && e.Blocks(nowTicks)).DistinctBy(e => e.Id).ToList();
        var (day, today) = (Day, Today);
        return WaitlistLists.Oldest(list).Where(q => q.From <= day && day <= q.To && q.To >= today && q.Id != Ending?.Id && Fits(q.Minutes));

        bool Fits(int minutes)
        {
            var end = _read.Start.AddMinutes(minutes);
            return (schedule is null || schedule.Covers(_read.Start, end, _zone))
                && !blocking.Any(e => e.Meets(_start, end.UtcTicks, buffer));
        }
    }

    /// <summary>Whether the entry read is still waiting for a time like this one.</summary>
    public bool Wants(StateEntry stored) => WaitlistEntry.Read(stored)?.Wants(_read.Start, Day, Today) == true;

    /// <summary>Whether the entry read has ended (or is gone): it leaves the queue.</summary>
    public bool Ended(StateEntry stored) => WaitlistEntry.Read(stored) is not { } entry || !WaitlistStatus.IsActive(entry.StatusOn(Today));

    /// <summary>
    /// The operations, given the entries read for the ending hold and the candidates: the first candidate still waiting for
    /// this time gets it (null: none does). Candidates found ended, and entries whose days have passed, leave the queue.
    /// </summary>
    /// <param name="later">The rest of the queue, read when candidates were found ended (they leave it) or the head had none.</param>
    public (List<StateOperation> Operations, WaitlistEntry? Offered) Operations(
        IReadOnlyDictionary<string, StateEntry> entries, IReadOnlyList<QueuedEntry> candidates, StateEntry? later)
    {
        var (day, today) = (Day, Today);
        var operations = new List<StateOperation>();
        var stale = new HashSet<string>(StringComparer.Ordinal);
        (WaitlistEntry Entry, StateEntry Stored)? chosen = null;
        foreach (var candidate in candidates)
        {
            var stored = entries[BookingKeys.WaitlistEntry(candidate.Id)];
            var entry = WaitlistEntry.Read(stored);
            if (entry is null || !WaitlistStatus.IsActive(entry.StatusOn(today)))
            {
                stale.Add(candidate.Id);
            }
            else if (chosen is null && entry.Wants(_read.Start, day, today))
            {
                var offer = new WaitlistOffer(_read.Start, candidate.Minutes, Now + _hold);
                chosen = (entry with { Status = WaitlistStatus.Offered, Offer = offer, Offers = entry.Offers + 1 }, stored);
            }
        }

        var hold = chosen is { Entry.Offer: { } held } ? new DayEntry(chosen.Value.Entry.Id, _start, held.End.UtcTicks, DayEntry.Held, held.ExpiresAt.UtcTicks) : null;
        var holdDays = hold is null ? [] : BookingKeys.DaysOf(_read.Start, chosen!.Value.Entry.Offer!.End, _zone)
            .Select(d => BookingKeys.DoctorDay(_read.Doctor, d)).ToHashSet(StringComparer.Ordinal);
        foreach (var (stored, list) in _days)
        {
            var next = list.Where(e => e.Id != Ending?.Id).ToList();
            if (hold is not null && holdDays.Contains(stored.Key))
            {
                next = DayList.With(next, hold.Id, hold);
            }

            // Offering writes every list it decided from, changed or not: a booking landing on any of them meanwhile fails one of the two.
            if (hold is not null || !next.SequenceEqual(list))
            {
                operations.Add(DayList.Write(stored, next));
            }
        }

        if (Ending is not null && entries[BookingKeys.WaitlistEntry(Ending.Id)] is var endingStored
            && WaitlistEntry.Read(endingStored) is { Status: WaitlistStatus.Offered, Offer: { } offered } was && offered.Start == _read.Start)
        {
            operations.Add(StateOperation.Save(endingStored.Key, was.Ended(_release?.Status ?? WaitlistStatus.Expired).ToBytes(), endingStored.ETag));
        }

        if (chosen is var (offeredEntry, offeredStored))
        {
            operations.Add(StateOperation.Save(offeredStored.Key, offeredEntry.ToBytes(), offeredStored.ETag));
        }

        var marks = _marks.Where(m => m.Start != _start).ToList();
        if (hold is not null)
        {
            marks.Add(new OfferMark(hold.Id, _start, hold.Expires!.Value));
        }

        if (!marks.SequenceEqual(_marks))
        {
            operations.Add(WaitlistLists.Write(_read.Offers, marks));
        }

        // Entries found ended leave the queue, and with them those whose days have passed; joins drop those too.
        if (stale.Count > 0 && later is not null)
        {
            operations.AddRange(WaitlistLists.WriteQueue(_read.Queue, later, [.. WaitlistLists.Queue(_read.Queue, later).Where(q => q.To >= today && !stale.Contains(q.Id))]));
        }

        return (operations, chosen?.Entry);
    }
}
