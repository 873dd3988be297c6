using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// Where an appointment's reminder and notices stand (<see cref="BookingKeys.Deliveries"/>), as Notifications reports
/// them: read and rewritten under its ETag, never moving the document's.
/// </summary>
internal sealed class DeliveriesRecord(IStateStore state)
{
    private const int MaxAttempts = 10;

    public static Deliveries Read(StateEntry entry) =>
        entry.Value is null ? Deliveries.None : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Deliveries) ?? Deliveries.None;

    public Task RecordReminderAsync(string id, AppointmentReminder reminder, CancellationToken cancellationToken) =>
        UpdateAsync(id, deliveries => deliveries with { Reminder = reminder }, cancellationToken);

    public Task RecordNoticeAsync(string id, NoticeDelivery delivery, CancellationToken cancellationToken) =>
        UpdateAsync(id, deliveries =>
        {
            var notices = deliveries.Notices.ToList();
            var at = notices.FindIndex(n => n.Id == delivery.Id);
            if (at >= 0)
            {
                notices[at] = delivery;
            }
            else
            {
                notices.Add(delivery);
            }

            return deliveries with { Notices = notices };
        }, cancellationToken);

    private async Task UpdateAsync(string id, Func<Deliveries, Deliveries> change, CancellationToken cancellationToken)
    {
        var key = BookingKeys.Deliveries(id);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await state.GetAsync(key, cancellationToken);
            var value = JsonSerializer.SerializeToUtf8Bytes(change(Read(stored)), StorageJson.Default.Deliveries);
            if (await state.TryExecuteAsync([Lists.Write(stored, value)], cancellationToken))
            {
                return;
            }
        }

        throw new StateStoreUnavailableException($"Recording the deliveries of appointment {id} kept conflicting.");
    }
}
