using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

[JsonSerializable(typeof(Appointment))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<IndexEntry>))]
[JsonSerializable(typeof(string))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class StorageJson : JsonSerializerContext;
