using System.Text.Json.Serialization;

namespace Appointments.Booking.Storage;

[JsonSerializable(typeof(Appointment))]
[JsonSerializable(typeof(Cancellation))]
[JsonSerializable(typeof(Deliveries))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(Schedule))]
[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSerializable(typeof(NewAppointment))]
[JsonSerializable(typeof(List<DayEntry>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<IndexEntry>))]
[JsonSerializable(typeof(PatientRecord))]
[JsonSerializable(typeof(SlotHolder))]
[JsonSerializable(typeof(OutboxEvent))]
[JsonSerializable(typeof(OutboxLane))]
[JsonSerializable(typeof(Waitlist.WaitlistEntry))]
[JsonSerializable(typeof(Waitlist.QueuedEntry))]
[JsonSerializable(typeof(List<Waitlist.QueuedEntry>))]
[JsonSerializable(typeof(List<Waitlist.OfferMark>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string?[]))]
[JsonSerializable(typeof(int?[]))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(AppointmentJson), typeof(DeliveriesJson)])]
internal sealed partial class StorageJson : JsonSerializerContext;
