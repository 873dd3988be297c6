using System.Security.Cryptography;
using Appointments.Booking.Api;
using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>The use cases: book, change (move, re-status, cancel), delete, read and list.</summary>
internal sealed class BookingService(
    AppointmentStore store,
    IUserDirectory users,
    Clinic clinic,
    IOptions<BookingOptions> options,
    ILogger<BookingService> logger)
{
    // A change that finds the appointment changed under it starts again from a fresh read.
    private const int MaxChangeAttempts = 10;

    public async Task<(string? Id, BookingError? Error)> BookAsync(Caller caller, AppointmentInput input, CancellationToken cancellationToken)
    {
        if (!input.IsObject)
        {
            return (null, input.ToError());
        }

        input.Require(input.Doctor, "doctor");
        input.Require(input.DateTime, "date_time");
        var method = input.ReminderMethod.Or(ReminderMethods.Email);
        RequireContact(input, method, input.Email.Or(null), input.Phone.Or(null));
        if (!input.IsValid)
        {
            return (null, input.ToError());
        }

        var start = clinic.Parse(input.DateTime.Value);
        if (start is null)
        {
            return (null, BookingError.InvalidDate);
        }

        if (start <= clinic.UtcNow)
        {
            return (null, BookingError.NotInFuture);
        }

        var username = caller.IsAdmin ? input.Username.Or(caller.Username) : caller.Username;
        if (!await users.ExistsAsync(username, cancellationToken))
        {
            return (null, BookingError.UserMissing);
        }

        var now = clinic.UtcNow;
        var appointment = new Appointment
        {
            Id = NewId(now),
            Username = username,
            Doctor = input.Doctor.Value,
            StartUtc = start.Value,
            DurationMinutes = input.DurationMinutes.Or((int)options.Value.DefaultDuration.TotalMinutes),
            Slot = input.Slot.Or(null),
            Status = AppointmentStatus.Scheduled,
            Email = input.Email.Or(null),
            Phone = input.Phone.Or(null),
            ReminderMethod = method,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var outcome = await store.TryWriteAsync(null, appointment, cancellationToken);
        if (outcome != WriteOutcome.Written)
        {
            BookingLog.Refused(logger, username, appointment.Doctor, appointment.StartUtc);
            return (null, BookingError.TimeTaken);
        }

        BookingLog.Booked(logger, appointment.Id, username, appointment.Doctor, appointment.StartUtc);
        return (appointment.Id, null);
    }

    public async Task<(StoredAppointment? Appointment, BookingError? Error)> ReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(id, cancellationToken);
        return stored is not null && caller.CanRead(stored.Appointment) ? (stored, null) : (null, BookingError.NotFound);
    }

    public async Task<IReadOnlyList<Appointment>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        await store.ForUserAsync(caller.Username, cancellationToken);

    /// <summary>
    /// Applies a partial change. <paramref name="ifMatch"/> is the caller's <c>If-Match</c> ETags (null when absent):
    /// with it a concurrent change is a 412; without it the change is retried on the fresh document.
    /// </summary>
    public async Task<BookingError?> ChangeAsync(Caller caller, string id, AppointmentInput input, IReadOnlyList<string>? ifMatch, CancellationToken cancellationToken)
    {
        if (!input.IsValid)
        {
            return input.ToError();
        }

        DateTimeOffset? start = null;
        if (input.DateTime.IsSet)
        {
            start = clinic.Parse(input.DateTime.Value);
            if (start is null)
            {
                return BookingError.InvalidDate;
            }

            if (start <= clinic.UtcNow)
            {
                return BookingError.NotInFuture;
            }
        }

        return await WithFreshCopyAsync(caller, id, ifMatch, current => Apply(current, input, start), cancellationToken);
    }

    public async Task<BookingError?> DeleteAsync(Caller caller, string id, IReadOnlyList<string>? ifMatch, CancellationToken cancellationToken) =>
        await WithFreshCopyAsync(caller, id, ifMatch, current => (current with { DeletedAt = clinic.UtcNow, UpdatedAt = clinic.UtcNow }, null), cancellationToken);

    private async Task<BookingError?> WithFreshCopyAsync(
        Caller caller,
        string id,
        IReadOnlyList<string>? ifMatch,
        Func<Appointment, (Appointment? Next, BookingError? Error)> change,
        CancellationToken cancellationToken)
    {
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

            if (ifMatch is not null && !ifMatch.Contains("*") && !ifMatch.Contains(stored.ETag))
            {
                return BookingError.Changed;
            }

            var (next, error) = change(stored.Appointment);
            if (error is not null)
            {
                return error;
            }

            var mustBeFuture = BookingKeys.Holds(next!).Except(BookingKeys.Holds(stored.Appointment)).Any();
            if (mustBeFuture && next!.StartUtc <= clinic.UtcNow)
            {
                return BookingError.NotInFuture;
            }

            switch (await store.TryWriteAsync(stored, next!, cancellationToken))
            {
                case WriteOutcome.Written:
                    BookingLog.Changed(logger, id, next!.IsDeleted ? "deleted" : next.Status, next.Doctor, next.StartUtc);
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

    private (Appointment? Next, BookingError? Error) Apply(Appointment current, AppointmentInput input, DateTimeOffset? start)
    {
        var next = current with
        {
            Doctor = input.Doctor.Or(current.Doctor),
            StartUtc = start ?? current.StartUtc,
            DurationMinutes = input.DurationMinutes.Or(current.DurationMinutes),
            Slot = input.Slot.Or(current.Slot),
            Email = input.Email.Or(current.Email),
            Phone = input.Phone.Or(current.Phone),
            ReminderMethod = input.ReminderMethod.Or(current.ReminderMethod),
            UpdatedAt = clinic.UtcNow,
        };

        var moved = next.Doctor != current.Doctor || next.StartUtc != current.StartUtc || next.DurationMinutes != current.DurationMinutes;
        if (moved && current.RefuseMove() is { } refusal)
        {
            return (null, BookingError.Invalid("date_time", refusal));
        }

        var status = input.Status.Or(moved && current.Status == AppointmentStatus.Scheduled ? AppointmentStatus.Rescheduled : current.Status);
        if (current.RefuseStatus(status) is { } statusRefusal)
        {
            return (null, BookingError.Invalid("status", statusRefusal));
        }

        next = next with { Status = status };
        var check = new AppointmentInput();
        RequireContact(check, next.ReminderMethod, next.Email, next.Phone);
        return check.IsValid ? (next, null) : (null, check.ToError());
    }

    private static void RequireContact(AppointmentInput input, string method, string? email, string? phone)
    {
        if (method == ReminderMethods.Email && email is null)
        {
            input.AddError("email", "is required when reminder_method is email");
        }
        else if (method == ReminderMethods.Sms && phone is null)
        {
            input.AddError("phone", "is required when reminder_method is sms");
        }
    }

    /// <summary>Like a MongoDB ObjectId: 24 hex digits, seconds first, so ids sort roughly by creation.</summary>
    private static string NewId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)now.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }
}

internal static partial class BookingLog
{
    [LoggerMessage(1, LogLevel.Information, "Booked appointment {Id} for {Username} with {Doctor} at {Start:o}")]
    public static partial void Booked(ILogger logger, string id, string username, string doctor, DateTimeOffset start);

    [LoggerMessage(2, LogLevel.Information, "Refused booking for {Username} with {Doctor} at {Start:o}: the time or slot is taken")]
    public static partial void Refused(ILogger logger, string username, string doctor, DateTimeOffset start);

    [LoggerMessage(3, LogLevel.Information, "Appointment {Id} is now {Status}, with {Doctor} at {Start:o}")]
    public static partial void Changed(ILogger logger, string id, string status, string doctor, DateTimeOffset start);
}
