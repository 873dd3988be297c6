using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

[JsonSerializable(typeof(Appointment))]
[JsonSerializable(typeof(Deliveries))]
[JsonSerializable(typeof(Notice))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(Schedule))]
[JsonSerializable(typeof(Dictionary<string, IdempotencyRecord>))]
[JsonSerializable(typeof(NewAppointment))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<IndexEntry>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string?[]))]
[JsonSerializable(typeof(int?[]))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class StorageJson : JsonSerializerContext;
