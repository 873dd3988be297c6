using System.Text.Json.Serialization;

namespace Appointments.Booking.Api;

/// <summary>
/// A schedule as clients write and read it: windows in <c>HH:MM</c> of the clinic's <c>time_zone</c> (IANA, read-only),
/// days monday to sunday in order.
/// </summary>
internal sealed record ScheduleDocument(
    [property: JsonPropertyName("slot_minutes")] int SlotMinutes,
    [property: JsonPropertyName("weekly")] Dictionary<string, List<WindowDocument>> Weekly,
    [property: JsonPropertyName("closed")] List<string> Closed)
{
    [JsonPropertyName("time_zone")]
    public string? TimeZone { get; init; }

    public static ScheduleDocument From(Schedule schedule, Clinic clinic) => new(
        schedule.SlotMinutes,
        Schedule.Days.Skip(1).Append(Schedule.Days[0])
            .Where(schedule.Weekly.ContainsKey)
            .ToDictionary(day => day, day => schedule.Weekly[day].Select(w => new WindowDocument(ScheduleFields.Format(w.Start), ScheduleFields.Format(w.End))).ToList()),
        schedule.Closed.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList())
    {
        TimeZone = clinic.Zone.Id,
    };
}

internal sealed record WindowDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End);

/// <summary>
/// A free slot, complete enough to book from: <c>start</c> and <c>end</c> in ISO 8601 with the clinic's offset,
/// <c>date_time</c> the same start as the original's clients send it (clinic-local), and its length: sending
/// <c>date_time</c> (or <c>start</c>) back books exactly this slot. In the first-available search, also its doctor.
/// </summary>
internal sealed record SlotDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("date_time")] string DateTime,
    [property: JsonPropertyName("duration_minutes")] int DurationMinutes)
{
    [JsonPropertyName("doctor")]
    public string? Doctor { get; init; }

    public static SlotDocument Of((DateTimeOffset Start, DateTimeOffset End) slot, Clinic clinic, string? doctor = null) =>
        new(clinic.FormatWithOffset(slot.Start), clinic.FormatWithOffset(slot.End), clinic.Format(slot.Start), (int)(slot.End - slot.Start).TotalMinutes)
        {
            Doctor = doctor,
        };
}

[JsonSerializable(typeof(ScheduleDocument))]
[JsonSerializable(typeof(List<SlotDocument>))]
internal sealed partial class DoctorsApiJson : JsonSerializerContext;
