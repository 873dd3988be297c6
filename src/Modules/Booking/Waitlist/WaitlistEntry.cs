using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.Booking.Storage;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Waitlist;

internal static class WaitlistStatus
{
    public const string Waiting = "waiting";
    public const string Offered = "offered";
    public const string Booked = "booked";
    public const string Expired = "expired";
    public const string Removed = "removed";

    /// <summary>Waiting or offered: what counts towards a patient's limit and can still be offered time.</summary>
    public static bool IsActive(string status) => status is Waiting or Offered;
}

/// <summary>The time held for the patient an entry offers it to, until <see cref="ExpiresAt"/>.</summary>
internal sealed record WaitlistOffer(
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    [JsonIgnore] public DateTimeOffset End => Start.AddMinutes(Minutes);
}

/// <summary>
/// One patient waiting for time with a doctor on the clinic-local days <see cref="From"/> to <see cref="To"/>, for a visit
/// of <see cref="Minutes"/> (its visit type's, the doctor's slot, or the default length, fixed when it joins). Stored at
/// <see cref="BookingKeys.WaitlistEntry"/>; every change is written under its ETag, so one entry never holds two offers.
/// </summary>
internal sealed record WaitlistEntry
{
    /// <summary>The times offered and declined, so a decline is not answered by offering the same time again; bounded.</summary>
    public const int MaxPassed = 50;

    [JsonPropertyName("_id")] public required string Id { get; init; }
    [JsonPropertyName("username")] public required string Username { get; init; }
    [JsonPropertyName("doctor")] public required string Doctor { get; init; }
    [JsonPropertyName("from")] public required DateOnly From { get; init; }
    [JsonPropertyName("to")] public required DateOnly To { get; init; }
    [JsonPropertyName("visit_type")] public string? VisitType { get; init; }
    [JsonPropertyName("minutes")] public required int Minutes { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("phone")] public string? Phone { get; init; }
    [JsonPropertyName("reminder_method")] public required string ReminderMethod { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("offer")] public WaitlistOffer? Offer { get; init; }

    /// <summary>How many offers it has had: numbers each offer's notice.</summary>
    [JsonPropertyName("offers")] public int Offers { get; init; }

    [JsonPropertyName("passed")] public List<DateTimeOffset> Passed { get; init; } = [];

    /// <summary>The appointment an accepted offer became.</summary>
    [JsonPropertyName("appointment_id")] public string? AppointmentId { get; init; }

    /// <summary>The time held for it at <paramref name="now"/>: its offer while it is offered and the hold has not expired.</summary>
    public WaitlistOffer? LiveOffer(DateTimeOffset now) => Status == WaitlistStatus.Offered && Offer is { } offer && offer.ExpiresAt > now ? offer : null;

    /// <summary>What the entry is now: a waiting entry whose last day has passed has ended, whether or not a sweep wrote it.</summary>
    public string StatusOn(DateOnly today) => Status == WaitlistStatus.Waiting && To < today ? WaitlistStatus.Expired : Status;

    /// <summary>Whether a visit of this entry's length starting at <paramref name="start"/> (local day <paramref name="day"/>) suits it.</summary>
    public bool Wants(DateTimeOffset start, DateOnly day, DateOnly today) =>
        StatusOn(today) == WaitlistStatus.Waiting && From <= day && day <= To && !Passed.Contains(start);

    /// <summary>The entry once its offer ends without a booking: declined (waiting again, that time passed), expired or removed.</summary>
    public WaitlistEntry Ended(string status) => this with
    {
        Status = status,
        Offer = null,
        Passed = Offer is { } offer && status == WaitlistStatus.Waiting ? [.. Passed.Append(offer.Start).TakeLast(MaxPassed)] : Passed,
    };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StorageJson.Default.WaitlistEntry);

    public static WaitlistEntry? Read(StateEntry entry) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.WaitlistEntry);
}
