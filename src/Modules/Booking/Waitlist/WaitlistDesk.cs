using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Appointments.BuildingBlocks.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Waitlist;

/// <summary>What a patient asks for when joining the waitlist, already read and checked field by field at the edge.</summary>
internal sealed record WaitlistRequest(string Doctor, DateOnly From, DateOnly To)
{
    public string? VisitType { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? ReminderMethod { get; init; }

    /// <summary>Whom an admin adds; ignored for everyone else.</summary>
    public string? Username { get; init; }
}

/// <summary>
/// The waitlist's front desk (API.md, "Waitlist"): join, list, leave, and answer an offer. Offers themselves are made
/// by <see cref="WaitlistOffers"/>, where freed time is settled; accepting one is a booking (<see cref="AppointmentBook"/>)
/// that takes the hold in its own transaction.
/// </summary>
internal sealed partial class WaitlistDesk(
    IStateStore state,
    WaitlistOffers offers,
    AppointmentBook book,
    ScheduleStore schedules,
    IUserDirectory users,
    Clinic clinic,
    IOptions<BookingOptions> options,
    ILogger<WaitlistDesk> logger)
{
    public static readonly BookingError EntryNotFound = new(404, "not_found", "Waitlist entry not found");

    public static readonly BookingError TooManyWaiting = new(409, "too_many_active",
        $"You are already waiting for {WaitlistOptions.MaxActivePerPatient} times, the most one patient may: leave one to join again");

    private const int MaxAttempts = 10;

    // A patient's list keeps every entry still waiting and the latest ended ones, up to this many in all.
    private const int MaxListed = 20;

    public async Task<(string? Id, BookingError? Error)> JoinAsync(Caller caller, WaitlistRequest request, CancellationToken cancellationToken)
    {
        var username = caller.IsAdmin ? request.Username ?? caller.Username : caller.Username;
        var (now, today) = (clinic.UtcNow, Today);
        if ((Appointment.RefuseBooking(caller) ?? Usernames.Refuse(username) ?? RefuseRange(request, now)) is { } refused)
        {
            return (null, refused);
        }

        var schedule = (await schedules.FindAsync(request.Doctor, cancellationToken))?.Schedule;
        if (request.VisitType is { } code && schedule?.VisitTypeOf(code) is null)
        {
            return (null, Availability.UnknownVisitType(schedule));
        }

        var own = username == caller.Username;
        var entry = new WaitlistEntry
        {
            Id = AppointmentBook.NewId(now),
            Username = username,
            Doctor = request.Doctor,
            From = request.From,
            To = request.To,
            VisitType = request.VisitType,
            Minutes = request.VisitType is { } type ? schedule!.VisitTypeOf(type)!.Minutes : schedule?.SlotMinutes ?? (int)options.Value.DefaultDuration.TotalMinutes,
            Email = request.Email ?? (own ? caller.Email : null),
            Phone = request.Phone ?? (own ? caller.Phone : null),
            ReminderMethod = request.ReminderMethod ?? ReminderMethods.Email,
            Status = WaitlistStatus.Waiting,
            CreatedAt = now,
        };
        if (Contacts.Missing(entry.ReminderMethod, entry.Email, entry.Phone) is { } missing)
        {
            return (null, missing);
        }

        if (!(own && caller.IsKnown) && !await users.ExistsAsync(username, cancellationToken))
        {
            return (null, BookingError.UserMissing);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var read = await state.GetBulkAsync(
                [BookingKeys.WaitlistPatient(username), BookingKeys.WaitlistQueue(entry.Doctor), BookingKeys.WaitlistQueueLater(entry.Doctor), BookingKeys.WaitlistDoctors], cancellationToken);
            var mine = await LoadAsync(WaitlistLists.Names(read[0]), cancellationToken);
            if (mine.Count(e => WaitlistStatus.IsActive(e.StatusOn(today))) >= WaitlistOptions.MaxActivePerPatient)
            {
                return (null, TooManyWaiting);
            }

            var kept = mine.Where(e => !WaitlistStatus.IsActive(e.StatusOn(today))).TakeLast(MaxListed - WaitlistOptions.MaxActivePerPatient).ToHashSet();
            var listed = mine.Where(e => WaitlistStatus.IsActive(e.StatusOn(today)) || kept.Contains(e)).Select(e => e.Id).Append(entry.Id).ToList();
            var queue = WaitlistLists.Queue(read[1], read[2]).Where(q => q.To >= today).Append(new QueuedEntry(entry.Id, entry.From, entry.To, entry.Minutes)).ToList();
            List<StateOperation> operations =
            [
                StateOperation.Create(BookingKeys.WaitlistEntry(entry.Id), entry.ToBytes()),
                WaitlistLists.Write(read[0], listed),
                .. WaitlistLists.WriteQueue(read[1], read[2], queue),
            ];
            var doctors = WaitlistLists.Names(read[3]);
            if (!doctors.Contains(entry.Doctor))
            {
                operations.Add(WaitlistLists.Write(read[3], [.. doctors.Append(entry.Doctor).Order(StringComparer.Ordinal)]));
            }

            if (await state.TryExecuteAsync(operations, cancellationToken))
            {
                Joined(logger, entry.Id, entry.Doctor, entry.From, entry.To);
                return (entry.Id, null);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + attempt * 5)), cancellationToken);
        }

        throw new StateStoreUnavailableException($"Joining {request.Doctor}'s waitlist did not commit after {MaxAttempts} attempts.");
    }

    /// <summary>The caller's own entries; with <paramref name="doctor"/>, that doctor's waiting and offered ones (for admins and the doctor). Oldest first.</summary>
    public async Task<(IReadOnlyList<WaitlistEntry>? Entries, BookingError? Error)> ListAsync(Caller caller, string? doctor, CancellationToken cancellationToken)
    {
        if (doctor is null)
        {
            var mine = await LoadAsync(WaitlistLists.Names(await state.GetAsync(BookingKeys.WaitlistPatient(caller.Username), cancellationToken)), cancellationToken);
            return (mine, null);
        }

        if (!caller.IsAdmin && !(caller.Role == Caller.Doctor && caller.Username == doctor))
        {
            return (null, BookingError.NotAllowed);
        }

        var queue = await state.GetBulkAsync([BookingKeys.WaitlistQueue(doctor), BookingKeys.WaitlistQueueLater(doctor)], cancellationToken);
        var entries = await LoadAsync(WaitlistLists.Queue(queue[0], queue[1]).Select(q => q.Id).ToList(), cancellationToken);
        return (entries.Where(e => WaitlistStatus.IsActive(e.StatusOn(Today))).ToList(), null);
    }

    /// <summary>Ends the entry (its patient or an admin); an offer it holds goes to the next one waiting. Leaving twice is fine.</summary>
    public async Task<BookingError?> LeaveAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (stored, entry) = await FindAsync(caller, id, allowAdmin: true, cancellationToken);
            if (entry is null)
            {
                return EntryNotFound;
            }

            if (entry.LiveOffer(clinic.UtcNow) is { } offer)
            {
                // The hold ends as the entry does, in one transaction; then the queue forgets it below.
                await offers.SettleAsync(entry.Doctor, offer.Start, new Release(id, WaitlistStatus.Removed), cancellationToken);
                continue;
            }

            var lists = await state.GetBulkAsync([BookingKeys.WaitlistQueue(entry.Doctor), BookingKeys.WaitlistQueueLater(entry.Doctor)], cancellationToken);
            var queue = WaitlistLists.Queue(lists[0], lists[1]);
            List<StateOperation> operations = [];
            if (WaitlistStatus.IsActive(entry.StatusOn(Today)))
            {
                operations.Add(StateOperation.Save(stored.Key, entry.Ended(WaitlistStatus.Removed).ToBytes(), stored.ETag));
            }

            if (queue.RemoveAll(q => q.Id == id) > 0)
            {
                operations.AddRange(WaitlistLists.WriteQueue(lists[0], lists[1], queue));
            }

            if (operations.Count == 0 || await state.TryExecuteAsync(operations, cancellationToken))
            {
                return null;
            }
        }

        throw new StateStoreUnavailableException($"Leaving waitlist entry {id} did not commit after {MaxAttempts} attempts.");
    }

    /// <summary>Books the time offered to the caller's entry, under every rule a booking follows; the hold ends with it.</summary>
    public async Task<(Booked? Booked, BookingError? Error)> AcceptAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (stored, entry) = await FindAsync(caller, id, allowAdmin: false, cancellationToken);
        if (entry is null)
        {
            return (null, EntryNotFound);
        }

        if (entry.LiveOffer(clinic.UtcNow) is not { } offer)
        {
            return (null, BookingError.OfferExpired);
        }

        var request = new NewAppointment(entry.Doctor, offer.Start)
        {
            DurationMinutes = entry.VisitType is null ? offer.Minutes : null,
            VisitType = entry.VisitType,
            Email = entry.Email,
            Phone = entry.Phone,
            ReminderMethod = entry.ReminderMethod,
        };
        var acceptance = new WaitlistAcceptance(id, stored.ETag, appointmentId =>
            (entry with { Status = WaitlistStatus.Booked, Offer = null, AppointmentId = appointmentId }).ToBytes());
        return await book.BookAsync(caller, request, null, acceptance, cancellationToken);
    }

    /// <summary>Turns the offer down: the entry waits on for other times, and this one goes to the next entry that fits.</summary>
    public async Task<BookingError?> DeclineAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (_, entry) = await FindAsync(caller, id, allowAdmin: false, cancellationToken);
        if (entry is null)
        {
            return EntryNotFound;
        }

        return entry.LiveOffer(clinic.UtcNow) is { } offer
            && await offers.SettleAsync(entry.Doctor, offer.Start, new Release(id, WaitlistStatus.Waiting), cancellationToken) != OfferOutcome.Stale
            ? null
            : BookingError.OfferExpired;
    }

    private DateOnly Today => Schedule.DayOf(clinic.UtcNow, clinic.Zone);

    /// <summary>The range must hold a day still to come, within the booking horizon.</summary>
    private BookingError? RefuseRange(WaitlistRequest request, DateTimeOffset now) =>
        request.To < request.From ? BookingError.Invalid("to", "must be on or after from")
        : request.To < Today ? BookingError.Invalid("to", "must not have passed")
        : request.From > Schedule.DayOf(now + options.Value.Horizon, clinic.Zone) ? BookingError.Invalid("from", "must be within the booking horizon")
        : null;

    /// <summary>The entry if the caller may see it: its patient's, or with <paramref name="allowAdmin"/> any for an admin.</summary>
    private async Task<(StateEntry Stored, WaitlistEntry? Entry)> FindAsync(Caller caller, string id, bool allowAdmin, CancellationToken cancellationToken)
    {
        if (!AppointmentBook.IsId(id))
        {
            return (null!, null);
        }

        var stored = await state.GetAsync(BookingKeys.WaitlistEntry(id), cancellationToken);
        var entry = WaitlistEntry.Read(stored);
        return entry is not null && (entry.Username == caller.Username || (allowAdmin && caller.IsAdmin)) ? (stored, entry) : (stored, null);
    }

    /// <summary>The entries <paramref name="ids"/> name, in that order: the order they joined in.</summary>
    private async Task<List<WaitlistEntry>> LoadAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var entries = new List<WaitlistEntry>(ids.Count);
        foreach (var chunk in ids.Chunk(200))
        {
            entries.AddRange((await state.GetManyAsync(chunk.Select(BookingKeys.WaitlistEntry).ToList(), cancellationToken)).Select(WaitlistEntry.Read).OfType<WaitlistEntry>());
        }

        return entries;
    }

    [LoggerMessage(22, LogLevel.Information, "Waitlist entry {EntryId} joined {Doctor}'s waitlist for {From} to {To}")]
    private static partial void Joined(ILogger logger, string entryId, string doctor, DateOnly from, DateOnly to);
}
