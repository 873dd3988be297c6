using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// Applies one appointment write all or nothing (<see cref="WritePlan"/>): one bulk read, a decision in memory, one
/// transaction. When the transaction does not commit (another write of the same doctor's day, patient or month got
/// there first, or the store could not tell), it reads again and decides again, with a short random pause, for as long
/// as <see cref="Patience"/> allows: bookings that really compete (one doctor's day) go one after another instead of
/// failing. Every decision starts from the witness: a document holding this write's bytes means it landed, however the
/// store answered before. A write that landed comes back with the document's ETag, so the caller can answer with the
/// document it wrote without reading it again. Bookings of one doctor's day on this replica plan on the lists the
/// writes queued before them leave (<see cref="PendingDayLists"/>), and refuse only on what the store holds.
/// </summary>
internal sealed class AppointmentWriter(IStateStore state, OutboxLanes lanes, PendingDayLists queued, Clinic clinic)
{
    /// <summary>How long one write keeps trying while others of the same day, patient or month commit before it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public async Task<(WriteOutcome Outcome, string? ETag)> TryWriteAsync(AppointmentWrite write, CancellationToken cancellationToken)
    {
        var outboxEvent = OutboxEvent.Of(write.Current?.Appointment, write.Next, write.Notice, clinic.UtcNow);
        var plan = new WritePlan(write, outboxEvent, clinic.Zone, clinic.UtcNow);
        using var lane = outboxEvent is null ? null : await lanes.RentAsync(cancellationToken);
        // Patience is wall-clock time whatever the clinic's clock says: it bounds how long a caller waits.
        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        for (var attempt = 0; Environment.TickCount64 < deadline; attempt++)
        {
            if (lane is { Tail: < 0 })
            {
                lane.Tail = await lanes.FindTailAsync(lane.Lane, 0, cancellationToken);
            }

            var (laneNumber, tail) = (lane?.Lane ?? 0, lane?.Tail ?? 0);
            var read = await state.GetBulkAsync(plan.Keys(laneNumber, tail), cancellationToken);
            var (outcome, operations, laneStale) = Decide(plan, read, laneNumber, tail);
            if (laneStale)
            {
                lane!.Tail = await lanes.FindTailAsync(laneNumber, tail + 1, cancellationToken);
                continue;
            }

            if (outcome is { } decided)
            {
                // Written here means an earlier attempt landed late, maybe at another number of the lane: look again next time.
                if (decided == WriteOutcome.Written && lane is not null)
                {
                    lane.Tail = -1;
                }

                return (decided, decided == WriteOutcome.Written ? read.First(e => e.Key == plan.DocumentKey).ETag : null);
            }

            if (await ExecuteAsync(operations!, cancellationToken) is (true, var etag))
            {
                if (lane is not null)
                {
                    lane.Tail = tail + 1;
                }

                return (WriteOutcome.Written, etag);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 2 + Math.Min(attempt, 20))), cancellationToken);
        }

        // One last look before giving up: a write the store could not confirm may have landed since.
        if (await state.GetAsync(plan.DocumentKey, cancellationToken) is var document && document.Holds(plan.Document))
        {
            if (lane is not null)
            {
                lane.Tail = -1;
            }

            return (WriteOutcome.Written, document.ETag);
        }

        throw new StateStoreUnavailableException($"Writing appointment {write.Next.Id} did not commit within {Patience}.");
    }

    /// <summary>
    /// The plan decided on the day lists queued writes will leave; a refusal decided again on what the store holds, as a
    /// queued write may still fail.
    /// </summary>
    private (WriteOutcome? Outcome, List<StateOperation>? Operations, bool LaneStale) Decide(WritePlan plan, IReadOnlyList<StateEntry> read, int lane, long tail)
    {
        var planned = queued.Over(read);
        var decision = plan.Decide(planned, lane, tail);
        return decision.Outcome is { } outcome && outcome != WriteOutcome.Written && !ReferenceEquals(planned, read)
            ? plan.Decide(read, lane, tail)
            : decision;
    }

    /// <summary>The transaction, its day lists shown to the bookings planned while it is queued.</summary>
    private async Task<(bool Written, string? ETag)> ExecuteAsync(List<StateOperation> operations, CancellationToken cancellationToken)
    {
        if (!state.KeepsGivenETags)
        {
            return await state.TryExecuteWitnessedAsync(operations, cancellationToken);
        }

        var (chained, lists) = queued.Chain(operations);
        var written = state.TryExecuteWitnessedAsync(chained, cancellationToken);
        queued.Publish(lists);
        try
        {
            return await written;
        }
        finally
        {
            queued.Withdraw(lists);
        }
    }
}
