using System.Security.Cryptography;
using Appointments.BuildingBlocks.State;
using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>
/// The clinic's appointment book: one method per thing a caller can do, taking plain values. Requests are read
/// and checked field by field at the edge (<c>Api/</c>); the rules of a single appointment live on
/// <see cref="Appointment"/>; keys and transactions in <c>Storage/</c> (<see cref="AppointmentWriter"/>).
/// </summary>
internal sealed class AppointmentBook(
    AppointmentDocuments documents,
    AppointmentWriter writer,
    AppointmentPages pages,
    IUserDirectory users,
    Clinic clinic,
    IOptions<BookingOptions> options,
    Availability availability,
    IOptions<NoticeOptions> notices,
    ILogger<AppointmentBook> logger)
{
    // A change that finds the appointment changed under it starts again from a fresh read.
    private const int MaxChangeAttempts = 10;

    // A booking whose doctor's schedule changed under it decides again with the new one.
    private const int MaxScheduleAttempts = 5;

    /// <summary>
    /// Books, or with an <paramref name="idempotencyKey"/> the caller used before for the same request, answers
    /// that booking again (<see cref="Booked.Replayed"/>).
    /// </summary>
    /// <param name="acceptance">The waitlist offer this booking takes, whose hold it replaces (<see cref="Waitlist.WaitlistDesk.AcceptAsync"/>).</param>
    public async Task<(Booked? Booked, BookingError? Error)> BookAsync(
        Caller caller, NewAppointment request, string? idempotencyKey, WaitlistAcceptance? acceptance, CancellationToken cancellationToken)
    {
        if (Appointment.RefuseBooking(caller) is { } refused)
        {
            return (null, refused);
        }

        var username = caller.IsAdmin ? request.Username ?? caller.Username : caller.Username;
        if (Usernames.Refuse(username) is { } badName)
        {
            return (null, badName);
        }

        var now = clinic.UtcNow;
        var idempotency = idempotencyKey is null ? null : await IdempotencyAsync(username, idempotencyKey, request, now, cancellationToken);
        if (idempotency is { Answer: { } answer })
        {
            return answer;
        }

        // Booking for themself, the caller's profile (when the user service gave one) proves they exist and fills in contacts.
        var own = username == caller.Username;
        var userChecked = own && caller.IsKnown;
        Appointment appointment;
        WriteOutcome outcome;
        string? etag;
        for (var attempt = 1; ; attempt++)
        {
            // The schedule remembered from an earlier booking decides, confirmed by the write; a refusal only by a fresh one.
            var seen = await availability.SeenScheduleAsync(request.Doctor, cancellationToken);
            var (minutes, wrongType) = availability.VisitLength(request, seen.Schedule);
            appointment = Appointment.New(NewId(now), username, own ? caller.WithContacts(request) : request, minutes, now);
            if ((wrongType ?? appointment.MissingContact() ?? RefuseStart(caller, appointment.StartUtc, now) ?? availability.RefuseOutsideHours(null, appointment, seen.Schedule)) is { } invalid)
            {
                if (seen.Fresh)
                {
                    return (null, invalid);
                }

                availability.ForgetSchedule(request.Doctor);
                continue;
            }

            if (!userChecked && !await users.ExistsAsync(username, cancellationToken))
            {
                return (null, BookingError.UserMissing);
            }

            userChecked = true;
            var write = new AppointmentWrite(null, appointment, HistoryEntry.Of(caller, HistoryActions.Create, null, appointment, clinic, now))
            {
                BufferMinutes = seen.Schedule?.BufferMinutes ?? 0,
                Schedule = seen,
                Notice = NoticeFor(HistoryActions.Create, null, appointment, now),
                Idempotency = idempotency is null ? null : new IdempotencyClaim(idempotency.KeyHash, new IdempotencyRecord(idempotency.RequestHash, appointment.Id, now)),
                MaxActiveAhead = ActiveLimit(caller),
                Acceptance = acceptance,
            };
            (outcome, etag) = await writer.TryWriteAsync(write, cancellationToken);
            if (outcome != WriteOutcome.ScheduleChanged)
            {
                break;
            }

            availability.ForgetSchedule(request.Doctor);
            if (attempt == MaxScheduleAttempts)
            {
                throw new StateStoreUnavailableException($"The schedule of {request.Doctor} kept changing while booking.");
            }
        }
        if (outcome != WriteOutcome.Written && idempotencyKey is not null
            && (await IdempotencyAsync(username, idempotencyKey, request, now, cancellationToken)).Answer is { } earlier)
        {
            // The same key sent again while the first request was on its way (a client retrying a timeout): the time
            // is taken by that request's booking, and its answer is this one's.
            return earlier;
        }

        switch (outcome)
        {
            case WriteOutcome.Written:
                BookingLog.Booked(logger, appointment.Id, appointment.Doctor, appointment.StartUtc);
                return (new Booked(appointment.Id, Replayed: false, etag is null ? null : new StoredAppointment(appointment, etag)), null);
            case WriteOutcome.PatientBusy:
                BookingLog.Refused(logger, appointment.Doctor, appointment.StartUtc, "the patient has another appointment then");
                return (null, BookingError.PatientBusy);
            case WriteOutcome.TooManyActive:
                BookingLog.Refused(logger, appointment.Doctor, appointment.StartUtc, "the patient holds as many appointments ahead as allowed");
                return (null, BookingError.TooManyActive(options.Value.MaxActivePerPatient));
            case WriteOutcome.SlotHeld or WriteOutcome.OfferGone:
                BookingLog.Refused(logger, appointment.Doctor, appointment.StartUtc, "the time is held for the waitlist");
                return (null, outcome == WriteOutcome.SlotHeld ? BookingError.SlotHeld : BookingError.OfferExpired);
            default:
                BookingLog.Refused(logger, appointment.Doctor, appointment.StartUtc, "the time or slot is taken");
                return (null, BookingError.TimeTaken);
        }
    }

    public async Task<(StoredAppointment? Appointment, Deliveries Deliveries, BookingError? Error)> ReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (stored, deliveries) = IsId(id) ? await documents.FindWithDeliveriesAsync(id, cancellationToken) : (null, Deliveries.None);
        return stored is not null && caller.CanRead(stored.Appointment) ? (stored, deliveries, null) : (null, Deliveries.None, BookingError.NotFound);
    }

    /// <summary>The appointment's audit trail; a deleted appointment's only for admins.</summary>
    public async Task<(IReadOnlyList<HistoryEntry>? History, BookingError? Error)> HistoryAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var stored = IsId(id) ? await documents.FindIncludingDeletedAsync(id, cancellationToken) : null;
        if (stored is null || !caller.CanRead(stored.Appointment) || (stored.Appointment.IsDeleted && !caller.IsAdmin))
        {
            return (null, BookingError.NotFound);
        }

        return (await documents.HistoryAsync(stored.Appointment, cancellationToken), null);
    }

    /// <summary>One page of the caller's own appointments, ordered by start then id, starting after <paramref name="after"/>.</summary>
    public Task<AppointmentPage> ListPageAsync(Caller caller, ListFilter filter, int limit, PagePosition? after, CancellationToken cancellationToken) =>
        pages.PageForUserAsync(caller.Username, filter, limit, after, cancellationToken);

    /// <summary>
    /// Applies a partial change. With <paramref name="ifMatch"/> a concurrent change is a 412; without it the
    /// change is applied again to the fresh document.
    /// </summary>
    public async Task<BookingError?> UpdateAsync(Caller caller, string id, AppointmentChanges changes, ETagCondition? ifMatch, CancellationToken cancellationToken)
    {
        if (changes.Start <= clinic.UtcNow)
        {
            return BookingError.NotInFuture;
        }

        return await ChangeAsync(caller, id, ifMatch, current => current.Apply(caller, changes, clinic.UtcNow), cancellationToken);
    }

    public Task<BookingError?> CancelAsync(Caller caller, string id, string? reason, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(caller, id, new AppointmentChanges { Status = AppointmentStatus.Cancelled, Reason = reason }, ifMatch, cancellationToken);

    public Task<BookingError?> RescheduleAsync(Caller caller, string id, DateTimeOffset start, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(caller, id, new AppointmentChanges { Start = start }, ifMatch, cancellationToken);

    public Task<BookingError?> DeleteAsync(Caller caller, string id, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        ChangeAsync(caller, id, ifMatch, current => current.RefuseDelete(caller) is { } refused
            ? (null, "", refused)
            : (current with { DeletedAt = clinic.UtcNow, UpdatedAt = clinic.UtcNow }, HistoryActions.Delete, null), cancellationToken);

    private async Task<BookingError?> ChangeAsync(
        Caller caller,
        string id,
        ETagCondition? ifMatch,
        Func<Appointment, (Appointment? Next, string Action, BookingError? Error)> change,
        CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return BookingError.NotFound;
        }

        for (var attempt = 0; attempt < MaxChangeAttempts; attempt++)
        {
            var stored = await documents.FindAsync(id, cancellationToken);
            if (stored is null || !caller.CanRead(stored.Appointment))
            {
                return BookingError.NotFound;
            }

            if (ifMatch is not null && !ifMatch.Matches(stored.ETag))
            {
                return BookingError.Changed with { CurrentETag = stored.ETag };
            }

            var current = stored.Appointment;
            var (next, action, error) = change(current);
            if (next is null)
            {
                return error;
            }

            if (next with { UpdatedAt = current.UpdatedAt } == current)
            {
                return null;
            }

            if (RefuseTimeChange(caller, current, next) is { } refused)
            {
                return refused;
            }

            // Only time newly taken is checked against the hours and the buffer: a cancel reads no schedule.
            var seen = Availability.TakesTime(current, next) ? await availability.SeenScheduleAsync(next.Doctor, cancellationToken) : null;
            if (availability.RefuseOutsideHours(current, next, seen?.Schedule) is { } outside)
            {
                if (seen is { Fresh: false })
                {
                    availability.ForgetSchedule(next.Doctor);
                    continue;
                }

                return outside;
            }

            var now = clinic.UtcNow;
            next = next with { Version = current.Version + 1 };
            var history = action == HistoryActions.Delete ? HistoryEntry.Deleted(caller, now) : HistoryEntry.Of(caller, action, current, next, clinic, now);
            var write = new AppointmentWrite(stored, next, history)
            {
                Notice = NoticeFor(action, current, next, now),
                MaxActiveAhead = ActiveLimit(caller),
                BufferMinutes = seen?.Schedule?.BufferMinutes ?? 0,
                Schedule = seen,
            };
            switch ((await writer.TryWriteAsync(write, cancellationToken)).Outcome)
            {
                case WriteOutcome.ScheduleChanged:
                    availability.ForgetSchedule(next.Doctor);
                    continue;
                case WriteOutcome.Written:
                    BookingLog.Changed(logger, id, action, next.Status, next.Doctor, next.StartUtc);
                    return null;
                case WriteOutcome.TimeTaken:
                    return BookingError.TimeTaken;
                case WriteOutcome.PatientBusy:
                    return BookingError.PatientBusy;
                case WriteOutcome.SlotHeld:
                    return BookingError.SlotHeld;
                case WriteOutcome.TooManyActive:
                    return BookingError.TooManyActive(options.Value.MaxActivePerPatient);
                case WriteOutcome.Changed when ifMatch is not null:
                    return BookingError.Changed;
                default:
                    continue;
            }
        }

        return BookingError.Changed;
    }

    /// <summary>Patients (and doctors, who never book) may hold only so many active appointments ahead; admins are exempt.</summary>
    private int? ActiveLimit(Caller caller) => caller.IsAdmin ? null : options.Value.MaxActivePerPatient;

    private Notice? NoticeFor(string action, Appointment? before, Appointment after, DateTimeOffset now) =>
        notices.Value.Enabled ? Notice.For(action, before, after, now) : null;

    /// <summary>
    /// Time a change newly takes must be ahead, as for a new booking; a new start (or an un-cancel, which takes
    /// its time back) must also respect notice and horizon.
    /// </summary>
    private BookingError? RefuseTimeChange(Caller caller, Appointment current, Appointment next)
    {
        var now = clinic.UtcNow;
        var takesTime = next.HoldsTime && (!current.HoldsTime || current.Doctor != next.Doctor || current.StartUtc != next.StartUtc
            || current.EndUtc != next.EndUtc || current.Slot != next.Slot);
        if (takesTime && next.StartUtc <= now)
        {
            return BookingError.NotInFuture;
        }

        var newStart = next.HoldsTime && (next.StartUtc != current.StartUtc || !current.HoldsTime);
        return newStart ? RefuseStart(caller, next.StartUtc, now) : null;
    }

    /// <summary>A start must be ahead; for patients and doctors also no sooner than the notice and no later than the horizon.</summary>
    private BookingError? RefuseStart(Caller caller, DateTimeOffset start, DateTimeOffset now)
    {
        if (start <= now)
        {
            return BookingError.NotInFuture;
        }

        var o = options.Value;
        return caller.IsAdmin ? null
            : start - now < o.MinimumNotice ? BookingError.TooSoon(o.MinimumNotice)
            : start - now > o.Horizon ? BookingError.TooFarAhead(o.Horizon)
            : null;
    }

    /// <summary>
    /// The caller's earlier use of <paramref name="key"/>: its answer again (the same request) or a 422 (another
    /// one), or the entry a new booking records itself in (no live record).
    /// </summary>
    private async Task<Idempotency> IdempotencyAsync(string username, string key, NewAppointment request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (requestHash, keyHash) = (IdempotencyRecord.HashOf(username, request), IdempotencyRecord.Hash(key));
        var record = await documents.FindIdempotencyAsync(username, keyHash, now, cancellationToken);
        if (record is null)
        {
            return new Idempotency(requestHash, keyHash, null);
        }

        return new Idempotency(requestHash, keyHash, record.RequestHash == requestHash
            ? (new Booked(record.AppointmentId, Replayed: true), null)
            : (null, BookingError.KeyReused));
    }

    /// <summary>Ids (of appointments and waitlist entries) are 24 lower-case hex digits; anything else names none (nor becomes a key).</summary>
    internal static bool IsId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Like a MongoDB ObjectId: 24 hex digits, seconds first, so ids sort roughly by creation.</summary>
    internal static string NewId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)now.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }

    private sealed record Idempotency(string RequestHash, string KeyHash, (Booked?, BookingError?)? Answer);
}

/// <param name="Replayed">True when this is an earlier booking answered again for a repeated idempotent request.</param>
/// <param name="Written">What was written, with its ETag, when known without reading it back; null for a replay.</param>
internal sealed record Booked(string Id, bool Replayed, StoredAppointment? Written = null);
