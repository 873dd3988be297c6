using System.Security.Cryptography;
using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>
/// The clinic's appointment book: one method per thing a caller can do, taking plain values. Requests are read
/// and checked field by field at the edge (<c>Api/</c>); the rules of a single appointment live on
/// <see cref="Appointment"/>; keys and transactions in <see cref="AppointmentStore"/>.
/// </summary>
internal sealed class AppointmentBook(
    AppointmentStore store,
    IUserDirectory users,
    Clinic clinic,
    IOptions<BookingOptions> options,
    ILogger<AppointmentBook> logger)
{
    // A change that finds the appointment changed under it starts again from a fresh read.
    private const int MaxChangeAttempts = 10;

    public async Task<(string? Id, BookingError? Error)> BookAsync(Caller caller, NewAppointment request, CancellationToken cancellationToken)
    {
        var now = clinic.UtcNow;
        var username = caller.IsAdmin ? request.Username ?? caller.Username : caller.Username;
        var appointment = Appointment.New(NewId(now), username, request, (int)options.Value.DefaultDuration.TotalMinutes, now);
        if (appointment.MissingContact() is { } missing)
        {
            return (null, missing);
        }

        if (appointment.StartUtc <= now)
        {
            return (null, BookingError.NotInFuture);
        }

        if (!await users.ExistsAsync(username, cancellationToken))
        {
            return (null, BookingError.UserMissing);
        }

        if (await store.TryWriteAsync(null, appointment, cancellationToken) != WriteOutcome.Written)
        {
            BookingLog.Refused(logger, appointment.Doctor, appointment.StartUtc);
            return (null, BookingError.TimeTaken);
        }

        BookingLog.Booked(logger, appointment.Id, appointment.Doctor, appointment.StartUtc);
        return (appointment.Id, null);
    }

    public async Task<(StoredAppointment? Appointment, BookingError? Error)> ReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var stored = IsAppointmentId(id) ? await store.FindAsync(id, cancellationToken) : null;
        return stored is not null && caller.CanRead(stored.Appointment) ? (stored, null) : (null, BookingError.NotFound);
    }

    /// <summary>One page of the caller's own appointments, ordered by start then id, starting after <paramref name="after"/>.</summary>
    public Task<AppointmentPage> ListPageAsync(Caller caller, ListFilter filter, int limit, PagePosition? after, CancellationToken cancellationToken) =>
        store.PageForUserAsync(caller.Username, filter, limit, after, cancellationToken);

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

        return await ChangeAsync(caller, id, ifMatch, current => current.Apply(changes, clinic.UtcNow), cancellationToken);
    }

    public Task<BookingError?> CancelAsync(Caller caller, string id, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(caller, id, new AppointmentChanges { Status = AppointmentStatus.Cancelled }, ifMatch, cancellationToken);

    public Task<BookingError?> RescheduleAsync(Caller caller, string id, DateTimeOffset start, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(caller, id, new AppointmentChanges { Start = start }, ifMatch, cancellationToken);

    public Task<BookingError?> DeleteAsync(Caller caller, string id, ETagCondition? ifMatch, CancellationToken cancellationToken) =>
        ChangeAsync(caller, id, ifMatch, current => (current with { DeletedAt = clinic.UtcNow, UpdatedAt = clinic.UtcNow }, null), cancellationToken);

    private async Task<BookingError?> ChangeAsync(
        Caller caller,
        string id,
        ETagCondition? ifMatch,
        Func<Appointment, (Appointment? Next, BookingError? Error)> change,
        CancellationToken cancellationToken)
    {
        if (!IsAppointmentId(id))
        {
            return BookingError.NotFound;
        }

        for (var attempt = 0; attempt < MaxChangeAttempts; attempt++)
        {
            var stored = await store.FindAsync(id, cancellationToken);
            if (stored is null || !caller.CanRead(stored.Appointment))
            {
                return BookingError.NotFound;
            }

            if (!caller.CanChange(stored.Appointment))
            {
                return BookingError.Forbidden;
            }

            if (ifMatch is not null && !ifMatch.Matches(stored.ETag))
            {
                return BookingError.Changed;
            }

            var (next, error) = change(stored.Appointment);
            if (next is null)
            {
                return error;
            }

            // Taking time again (an un-cancel) needs that time to be ahead, as a new booking does.
            var takesTime = BookingKeys.Holds(next).Except(BookingKeys.Holds(stored.Appointment)).Any();
            if (takesTime && next.StartUtc <= clinic.UtcNow)
            {
                return BookingError.NotInFuture;
            }

            switch (await store.TryWriteAsync(stored, next, cancellationToken))
            {
                case WriteOutcome.Written:
                    BookingLog.Changed(logger, id, next.IsDeleted ? "deleted" : next.Status, next.Doctor, next.StartUtc);
                    return null;
                case WriteOutcome.TimeTaken:
                    return BookingError.TimeTaken;
                case WriteOutcome.Changed when ifMatch is not null:
                    return BookingError.Changed;
                default:
                    continue;
            }
        }

        return BookingError.Changed;
    }

    /// <summary>Ids are 24 lower-case hex digits; anything else cannot name an appointment (nor become a key).</summary>
    private static bool IsAppointmentId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Like a MongoDB ObjectId: 24 hex digits, seconds first, so ids sort roughly by creation.</summary>
    private static string NewId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)now.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }
}

/// <summary>What Booking logs: appointment ids, doctors and times; never a patient's name, email or phone.</summary>
internal static partial class BookingLog
{
    [LoggerMessage(1, LogLevel.Information, "Booked appointment {Id} with {Doctor} at {Start:o}")]
    public static partial void Booked(ILogger logger, string id, string doctor, DateTimeOffset start);

    [LoggerMessage(2, LogLevel.Information, "Refused a booking with {Doctor} at {Start:o}: the time or slot is taken")]
    public static partial void Refused(ILogger logger, string doctor, DateTimeOffset start);

    [LoggerMessage(3, LogLevel.Information, "Appointment {Id} is now {Status}, with {Doctor} at {Start:o}")]
    public static partial void Changed(ILogger logger, string id, string status, string doctor, DateTimeOffset start);
}
