namespace Appointments.Booking.Storage;

internal enum WriteOutcome
{
    Written,

    /// <summary>Another active appointment of the doctor holds time it overlaps, or its slot.</summary>
    TimeTaken,

    /// <summary>Another active appointment of the patient overlaps it.</summary>
    PatientBusy,

    /// <summary>The patient already holds as many active appointments ahead as they may.</summary>
    TooManyActive,

    /// <summary>The appointment changed since it was read (its ETag moved on).</summary>
    Changed,

    /// <summary>The <c>Idempotency-Key</c> was used by another request meanwhile.</summary>
    KeyTaken,

    /// <summary>The doctor's schedule is no longer the version the change was decided with.</summary>
    ScheduleChanged,

    /// <summary>The time is held for a patient on the waitlist.</summary>
    SlotHeld,

    /// <summary>The waitlist offer the booking takes has expired, or ended otherwise.</summary>
    OfferGone,
}

internal sealed record StoredAppointment(Appointment Appointment, string ETag);

/// <summary>
/// One change of one appointment: <paramref name="Current"/> (null for a new one) becomes <paramref name="Next"/>,
/// recorded by <paramref name="History"/>, with the caller's idempotency key when the request carried one.
/// </summary>
internal sealed record AppointmentWrite(StoredAppointment? Current, Appointment Next, HistoryEntry History)
{
    public IdempotencyClaim? Idempotency { get; init; }

    /// <summary>The notice the change owes the patient: written to the outbox with its event, in the same transaction.</summary>
    public Notice? Notice { get; init; }

    /// <summary>
    /// When the change makes the appointment hold time it did not hold, the most active appointments ahead the patient
    /// may then hold (null: no limit, as for admins).
    /// </summary>
    public int? MaxActiveAhead { get; init; }

    /// <summary>The doctor's buffer: minutes kept free after every appointment of theirs, this one's included.</summary>
    public int BufferMinutes { get; init; }

    /// <summary>The doctor's schedule the change was decided with: confirmed in the same read as the lists.</summary>
    public SeenSchedule? Schedule { get; init; }

    /// <summary>The waitlist offer a booking takes: its hold ends and its entry is written booked, in the same transaction.</summary>
    public WaitlistAcceptance? Acceptance { get; init; }
}

/// <summary>
/// An offered waitlist entry as it was read (<paramref name="ETag"/>), and what it becomes once booked, given the new
/// appointment's id. The booking fails with <see cref="WriteOutcome.OfferGone"/> when the entry changed or its hold is
/// gone or expired.
/// </summary>
internal sealed record WaitlistAcceptance(string EntryId, string ETag, Func<string, byte[]> Booked);

/// <param name="KeyHash">The hash of the caller's <c>Idempotency-Key</c>.</param>
internal sealed record IdempotencyClaim(string KeyHash, IdempotencyRecord Record);
