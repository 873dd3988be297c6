using System.Text.Json;
using System.Text.Json.Serialization;
using Appointments.Booking.Storage;

namespace Appointments.Booking;

internal static class HistoryActions
{
    public const string Create = "create";
    public const string Change = "change";
    public const string Cancel = "cancel";
    public const string Uncancel = "uncancel";
    public const string Outcome = "outcome";
    public const string Delete = "delete";
}

/// <summary>
/// One record of an appointment's audit trail, written in the transaction of the change it records. Fields
/// that changed are <c>[old, new]</c>; contact fields only say <c>"changed"</c>, never their values.
/// </summary>
internal sealed record HistoryEntry(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("changes")] Dictionary<string, JsonElement> Changes)
{
    private static readonly JsonElement ContactChanged = JsonSerializer.SerializeToElement("changed", StorageJson.Default.String);

    /// <summary>What <paramref name="caller"/> did to go from <paramref name="before"/> (null: nothing yet) to <paramref name="after"/>.</summary>
    public static HistoryEntry Of(Caller caller, string action, Appointment? before, Appointment after, Clinic clinic, DateTimeOffset now)
    {
        var changes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        void Text(string field, string? old, string? value)
        {
            if (old != value)
            {
                changes[field] = JsonSerializer.SerializeToElement([old, value], StorageJson.Default.StringArray);
            }
        }

        Text("doctor", before?.Doctor, after.Doctor);
        Text("date_time", before is null ? null : clinic.Format(before.StartUtc), clinic.Format(after.StartUtc));
        if (before?.DurationMinutes != after.DurationMinutes)
        {
            changes["duration_minutes"] = JsonSerializer.SerializeToElement([before?.DurationMinutes, after.DurationMinutes], StorageJson.Default.NullableInt32Array);
        }

        Text("slot", before?.Slot, after.Slot);
        Text("status", before?.Status, after.Status);
        Text("reminder_method", before?.ReminderMethod, after.ReminderMethod);
        Text("cancellation_reason", before?.Cancellation?.Reason, after.Cancellation?.Reason);
        if (before?.Email != after.Email)
        {
            changes["email"] = ContactChanged;
        }

        if (before?.Phone != after.Phone)
        {
            changes["phone"] = ContactChanged;
        }

        return new HistoryEntry(now, caller.Username, caller.Role, action, changes);
    }

    public static HistoryEntry Deleted(Caller caller, DateTimeOffset now) => new(now, caller.Username, caller.Role, HistoryActions.Delete, []);
}
