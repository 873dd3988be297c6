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
    [JsonPropertyName("visit_types")]
    public List<VisitTypeDocument> VisitTypes { get; init; } = [];

    [JsonPropertyName("buffer_minutes")]
    public int BufferMinutes { get; init; }

    [JsonPropertyName("time_zone")]
    public string? TimeZone { get; init; }

    public static ScheduleDocument From(Schedule schedule, Clinic clinic) => new(
        schedule.SlotMinutes,
        Schedule.Days.Skip(1).Append(Schedule.Days[0])
            .Where(schedule.Weekly.ContainsKey)
            .ToDictionary(day => day, day => schedule.Weekly[day].Select(w => new WindowDocument(ScheduleFields.Format(w.Start), ScheduleFields.Format(w.End))).ToList()),
        schedule.Closed.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList())
    {
        VisitTypes = VisitTypeDocument.Of(schedule),
        BufferMinutes = schedule.BufferMinutes,
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

/// <summary>A kind of visit a doctor offers, as schedules and the directory show it.</summary>
internal sealed record VisitTypeDocument(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("minutes")] int Minutes)
{
    public static List<VisitTypeDocument> Of(Schedule schedule) => schedule.VisitTypes.Select(v => new VisitTypeDocument(v.Code, v.Minutes)).ToList();
}

/// <summary>A doctor in the clinic's directory, with their first free slot within a month (null: none).</summary>
internal sealed record DirectoryDocument(
    [property: JsonPropertyName("doctor")] string Doctor,
    [property: JsonPropertyName("slot_minutes")] int SlotMinutes,
    [property: JsonPropertyName("visit_types")] List<VisitTypeDocument> VisitTypes,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("next_free")] SlotDocument? NextFree);

[JsonSerializable(typeof(ScheduleDocument))]
[JsonSerializable(typeof(List<DirectoryDocument>))]
[JsonSerializable(typeof(List<SlotDocument>))]
internal sealed partial class DoctorsApiJson : JsonSerializerContext;
