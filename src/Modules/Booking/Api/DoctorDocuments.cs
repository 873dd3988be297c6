using System.Text.Json.Serialization;

namespace Appointments.Booking.Api;

/// <summary>A schedule as clients write and read it: windows in <c>HH:MM</c>, days monday to sunday in order.</summary>
internal sealed record ScheduleDocument(
    [property: JsonPropertyName("slot_minutes")] int SlotMinutes,
    [property: JsonPropertyName("weekly")] Dictionary<string, List<WindowDocument>> Weekly,
    [property: JsonPropertyName("closed")] List<string> Closed)
{
    public static ScheduleDocument From(Schedule schedule) => new(
        schedule.SlotMinutes,
        Schedule.Days.Skip(1).Append(Schedule.Days[0])
            .Where(schedule.Weekly.ContainsKey)
            .ToDictionary(day => day, day => schedule.Weekly[day].Select(w => new WindowDocument(ScheduleFields.Format(w.Start), ScheduleFields.Format(w.End))).ToList()),
        schedule.Closed.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList());
}

internal sealed record WindowDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End);

/// <summary>A free slot, in the clinic's zone and <c>date_time</c>'s format: its <c>start</c> books it.</summary>
internal sealed record SlotDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End);

[JsonSerializable(typeof(ScheduleDocument))]
[JsonSerializable(typeof(List<SlotDocument>))]
internal sealed partial class DoctorsApiJson : JsonSerializerContext;
