using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Waitlist;

/// <summary>
/// Offers freed time to the waitlist, one start of one doctor at a time (<see cref="SettleAsync"/>). The hold is an entry in
/// the doctor's day lists, where overlap is decided, so one transaction under those lists' ETags both ends the hold that was
/// there and gives the time to the next entry: two replicas settling one time write the same lists, and only one commits.
/// Settling is safe to repeat, which is what makes it exactly once: a replica that dies after committing leaves nothing
/// undone, and one that dies before leaves the freed time's event (or the expired hold) for the next pass.
/// </summary>
internal sealed partial class WaitlistOffers(
    IStateStore state,
    OutboxLanes lanes,
    ScheduleStore schedules,
    Clinic clinic,
    IOptions<WaitlistOptions> options,
    IOptions<BookingOptions> booking,
    IOptions<NoticeOptions> notices,
    ILogger<WaitlistOffers> logger)
{
    private const int MaxAttempts = 10;

    // Entries read at a time, oldest first, until one still waits for the time: nearly always the first page's first.
    private const int CandidatesPerRead = 16;

    /// <summary>
    /// Settles the time starting at <paramref name="start"/> with <paramref name="doctor"/>: the hold there ends if it
    /// expired, or if it is <paramref name="release"/>'s; then, unless an appointment or a live hold keeps the time, it is
    /// held for the oldest waiting entry whose days contain it and whose visit fits, who hears of it through the outbox.
    /// </summary>
    public async Task<OfferOutcome> SettleAsync(string doctor, DateTimeOffset start, Release? release, CancellationToken cancellationToken)
    {
        // An outbox lane is rented only when someone waits (the head is empty only when the whole queue is): most freed
        // times have nobody waiting for them.
        OutboxLanes.LaneLease? lane = null;
        try
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var plan = new OfferPlan(await ReadAsync(doctor, start, cancellationToken), release, clinic.UtcNow, options.Value.Hold, clinic.Zone);
                if (plan.Refusal is { } refusal)
                {
                    return refusal;
                }

                if (plan.NothingToDo)
                {
                    return OfferOutcome.Unchanged;
                }

                var schedule = (await schedules.FindAsync(doctor, cancellationToken))?.Schedule;
                var offerable = Offerable(start, plan.Now);
                if (notices.Value.Enabled && lane is null && offerable && WaitlistLists.Oldest(plan.Head).Any())
                {
                    lane = await lanes.RentAsync(cancellationToken);
                }

                if (await TryCommitAsync(plan, offerable ? schedule : null, offerable, lane, cancellationToken) is { } outcome)
                {
                    if (plan.Ending is { } ended)
                    {
                        Ended(logger, ended.Id, doctor, start, release?.Status ?? WaitlistStatus.Expired);
                    }

                    return outcome;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + attempt * 5)), cancellationToken);
            }
        }
        finally
        {
            lane?.Dispose();
        }

        throw new StateStoreUnavailableException($"Offering {doctor}'s time at {start:o} did not commit after {MaxAttempts} attempts.");
    }

    /// <summary>
    /// Ends every hold of the doctors with a waitlist that has expired, handing its time on: a hold whose replica died
    /// expires like any other. Reads one offer list per doctor, in bounded chunks.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var doctors = WaitlistLists.Names(await state.GetAsync(BookingKeys.WaitlistDoctors, cancellationToken));
        var now = clinic.UtcNow.UtcTicks;
        foreach (var chunk in doctors.Chunk(200))
        {
            var offers = await state.GetManyAsync(chunk.Select(BookingKeys.WaitlistOffers).ToList(), cancellationToken);
            foreach (var (doctor, list) in chunk.Zip(offers))
            {
                foreach (var start in WaitlistLists.Offers(list).Where(m => m.Expires <= now).Select(m => m.Start).Distinct())
                {
                    await SettleAsync(doctor, new DateTimeOffset(start, TimeSpan.Zero), null, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Reads the entries the plan needs and writes its operations, the offer's event with them: the outcome, or null when
    /// another write got there first (or the outbox lane's number was taken) and the settle must read and decide again.
    /// </summary>
    private async Task<OfferOutcome?> TryCommitAsync(OfferPlan plan, Schedule? schedule, bool offerable, OutboxLanes.LaneLease? lane, CancellationToken cancellationToken)
    {
        if (lane is { Tail: < 0 })
        {
            lane.Tail = await lanes.FindTailAsync(lane.Lane, 0, cancellationToken);
        }

        List<string> keys = [.. plan.EndingKey];
        if (lane is not null)
        {
            keys.AddRange([BookingKeys.OutboxLane(lane.Lane), BookingKeys.OutboxEvent(lane.Lane, lane.Tail)]);
        }

        // Those keys come with the first page of candidates, or alone when there is none.
        var entries = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        var considered = new List<QueuedEntry>();
        StateEntry? later = null;
        if (offerable && !await ReadUntilOneWantsAsync(plan.Candidates(schedule, plan.Head)))
        {
            // Nobody in the head waits for this time: the rest of the queue is read only now.
            later = await state.GetAsync(BookingKeys.WaitlistQueueLater(plan.Doctor), cancellationToken);
            await ReadUntilOneWantsAsync(plan.Candidates(schedule, later));
        }

        if (keys.Count > 0)
        {
            await ReadWithAsync([]);
        }

        if (later is null && considered.Any(c => plan.Ended(entries[BookingKeys.WaitlistEntry(c.Id)])))
        {
            later = await state.GetAsync(BookingKeys.WaitlistQueueLater(plan.Doctor), cancellationToken);
        }

        var (operations, chosen) = plan.Operations(entries, considered, later);
        if (chosen is not null && lane is not null && OfferEvent(chosen, plan.Now) is { } offerEvent)
        {
            var (laneState, slot) = (entries[BookingKeys.OutboxLane(lane.Lane)], entries[BookingKeys.OutboxEvent(lane.Lane, lane.Tail)]);
            if (slot.Exists || lane.Tail < OutboxLane.Read(laneState).Head)
            {
                lane.Tail = await lanes.FindTailAsync(lane.Lane, lane.Tail + 1, cancellationToken);
                return null;
            }

            operations.Add(StateOperation.Create(slot.Key, offerEvent.ToBytes()));
        }

        if (operations.Count == 0)
        {
            return OfferOutcome.Unchanged;
        }

        if (!await state.TryExecuteAsync(operations, cancellationToken))
        {
            if (lane is not null)
            {
                lane.Tail = -1;
            }

            return null;
        }

        if (chosen is null)
        {
            return OfferOutcome.Unchanged;
        }

        if (lane is not null)
        {
            lane.Tail++;
        }

        Offered(logger, chosen.Id, plan.Doctor, chosen.Offer!.Start, chosen.Offer.ExpiresAt);
        return OfferOutcome.Offered;

        // Reads the candidates' entries a page at a time, oldest first, until one of them still waits for the time.
        async Task<bool> ReadUntilOneWantsAsync(IEnumerable<QueuedEntry> candidates)
        {
            foreach (var page in candidates.Chunk(CandidatesPerRead))
            {
                await ReadWithAsync(page);
                considered.AddRange(page);
                if (page.Any(c => plan.Wants(entries[BookingKeys.WaitlistEntry(c.Id)])))
                {
                    return true;
                }
            }

            return false;
        }

        async Task ReadWithAsync(QueuedEntry[] page)
        {
            foreach (var entry in await state.GetBulkAsync([.. keys, .. page.Select(c => BookingKeys.WaitlistEntry(c.Id))], cancellationToken))
            {
                entries[entry.Key] = entry;
            }

            keys.Clear();
        }
    }

    /// <summary>
    /// Of these offers' notices, the ones whose offer has ended already (declined, taken back, expired, or the entry has had
    /// another since): telling the patient of a time no longer held for them would only send them to a 409.
    /// </summary>
    public async Task<IReadOnlySet<string>> EndedOffersAsync(IReadOnlyList<Notice> offers, CancellationToken cancellationToken)
    {
        if (offers.Count == 0)
        {
            return new HashSet<string>();
        }

        var entries = await state.GetManyAsync([.. offers.Select(n => BookingKeys.WaitlistEntry(n.AppointmentId))], cancellationToken);
        var now = clinic.UtcNow;
        return offers.Zip(entries)
            .Where(o => WaitlistEntry.Read(o.Second) is not { } entry || entry.LiveOffer(now) is null || entry.Offers != o.First.Sequence)
            .Select(o => o.First.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Only a time the patient could still book when the hold ends is offered: far enough ahead, not beyond the horizon.</summary>
    private bool Offerable(DateTimeOffset start, DateTimeOffset now) =>
        start - now >= booking.Value.MinimumNotice + options.Value.Hold && start - now <= booking.Value.Horizon;

    private async Task<OfferRead> ReadAsync(string doctor, DateTimeOffset start, CancellationToken cancellationToken)
    {
        // Every appointment (or hold) the longest visit and the longest buffer could meet is on these days' lists.
        var reach = TimeSpan.FromMinutes(Schedule.MaxBufferMinutes);
        var days = BookingKeys.DaysOf(start - reach, start.AddMinutes(Appointment.MaxMinutes) + reach, clinic.Zone)
            .Select(day => BookingKeys.DoctorDay(doctor, day)).ToList();
        var read = await state.GetBulkAsync([BookingKeys.WaitlistQueue(doctor), BookingKeys.WaitlistOffers(doctor), .. days], cancellationToken);
        return new OfferRead(doctor, start, read[0], read[1], read.Skip(2).ToList());
    }

    private static OutboxEvent? OfferEvent(WaitlistEntry offered, DateTimeOffset now) =>
        Notice.ForOffer(offered, now) is { } notice ? new OutboxEvent(offered.Id, offered.Offers, now, null, null, notice) : null;

    [LoggerMessage(20, LogLevel.Information, "Waitlist entry {EntryId} offered {Doctor}'s time at {Start:o}, held until {ExpiresAt:o}")]
    private static partial void Offered(ILogger logger, string entryId, string doctor, DateTimeOffset start, DateTimeOffset expiresAt);

    [LoggerMessage(21, LogLevel.Information, "Waitlist entry {EntryId}'s hold on {Doctor}'s time at {Start:o} ended: {Status}")]
    private static partial void Ended(ILogger logger, string entryId, string doctor, DateTimeOffset start, string status);
}
