namespace Appointments.Booking;

/// <summary>A value a caller may leave out (<see cref="IsSet"/> false), or give, <c>null</c> included.</summary>
internal readonly record struct Optional<T>(T Value)
{
    public bool IsSet { get; } = true;

    public T Or(T fallback) => IsSet ? Value : fallback;
}

/// <summary>What a caller asks to book, already read and checked field by field at the edge.</summary>
internal sealed record NewAppointment(string Doctor, DateTimeOffset Start)
{
    /// <summary>Null: <c>Booking:DefaultDuration</c>.</summary>
    public int? DurationMinutes { get; init; }

    public string? Slot { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    /// <summary>Null: email.</summary>
    public string? ReminderMethod { get; init; }

    /// <summary>Whom an admin books for; ignored for everyone else, who book for themselves.</summary>
    public string? Username { get; init; }

    /// <summary>One of the doctor's visit types, which sets the length; null: none.</summary>
    public string? VisitType { get; init; }
}

/// <summary>A partial change: null (or an unset <see cref="Optional{T}"/>) leaves a field as it is.</summary>
internal sealed record AppointmentChanges
{
    public string? Doctor { get; init; }

    public DateTimeOffset? Start { get; init; }

    public int? DurationMinutes { get; init; }

    public Optional<string?> Slot { get; init; }

    public Optional<string?> Email { get; init; }

    public Optional<string?> Phone { get; init; }

    public string? ReminderMethod { get; init; }

    public string? Status { get; init; }

    /// <summary>Why it is cancelled, kept with the cancellation when <see cref="Status"/> cancels it.</summary>
    public string? Reason { get; init; }
}

/// <summary>Which of the caller's appointments a list shows: any of status and a start range [From, To).</summary>
internal sealed record ListFilter(string? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Where a page ends: lists are ordered by start, then id.</summary>
internal readonly record struct PagePosition(long StartTicks, string Id)
{
    public static PagePosition Of(Appointment appointment) => new(appointment.StartUtc.UtcTicks, appointment.Id);

    public bool IsBefore(long startTicks, string id) =>
        StartTicks < startTicks || (StartTicks == startTicks && string.CompareOrdinal(Id, id) < 0);
}

/// <param name="Next">Where the next page starts, or null on the last page.</param>
internal sealed record AppointmentPage(IReadOnlyList<Appointment> Items, PagePosition? Next);

/// <summary>A caller's <c>If-Match</c>: the ETags a change is allowed to apply to (<c>*</c> for any).</summary>
internal sealed record ETagCondition(IReadOnlyList<string> ETags)
{
    public bool Matches(string etag) => ETags.Contains("*") || ETags.Contains(etag);
}
