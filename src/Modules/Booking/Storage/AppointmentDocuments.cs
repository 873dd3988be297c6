using System.Text.Json;
using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>Reads appointment documents, their history and their deliveries; writes go through <see cref="AppointmentWriter"/>.</summary>
internal sealed class AppointmentDocuments(IStateStore state)
{
    public async Task<StoredAppointment?> FindAsync(string id, CancellationToken cancellationToken) =>
        await FindIncludingDeletedAsync(id, cancellationToken) is { Appointment.IsDeleted: false } stored ? stored : null;

    /// <summary>The document, tombstones included: a deleted appointment keeps its history for admins.</summary>
    public async Task<StoredAppointment?> FindIncludingDeletedAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await state.GetAsync(BookingKeys.Appointment(id), cancellationToken);
        return Read(entry) is { } appointment ? new StoredAppointment(appointment, entry.ETag) : null;
    }

    /// <summary>The document and where its reminder and notices stand, in one read.</summary>
    public async Task<(StoredAppointment? Stored, Deliveries Deliveries)> FindWithDeliveriesAsync(string id, CancellationToken cancellationToken)
    {
        var entries = await state.GetBulkAsync([BookingKeys.Appointment(id), BookingKeys.Deliveries(id)], cancellationToken);
        return Read(entries[0]) is { IsDeleted: false } appointment
            ? (new StoredAppointment(appointment, entries[0].ETag), DeliveriesRecord.Read(entries[1]))
            : (null, Deliveries.None);
    }

    /// <summary>The appointment's audit trail, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Appointment appointment, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(1, appointment.Version).Select(version => BookingKeys.History(appointment.Id, version)).ToList();
        var entries = await state.GetManyAsync(keys, cancellationToken);
        return entries.Where(e => e.Value is not null)
            .Select(e => JsonSerializer.Deserialize(e.Value, StorageJson.Default.HistoryEntry)!)
            .ToList();
    }

    /// <summary>What an idempotency key (by its hash) was used for in the patient's bookings of the last 24 hours, if anything.</summary>
    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string username, string keyHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        IdempotencyRecord.ReadLive(await state.GetAsync(BookingKeys.Idempotency(username, keyHash), cancellationToken), now);

    /// <summary>The documents of <paramref name="ids"/> in that order, leaving out missing and deleted ones.</summary>
    public async Task<IReadOnlyList<Appointment>> LoadAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var entries = await state.GetManyAsync(ids.Select(BookingKeys.Appointment).ToList(), cancellationToken);
        return entries.Select(Read).OfType<Appointment>().Where(a => !a.IsDeleted).ToList();
    }

    public static Appointment? Read(StateEntry entry) =>
        entry.Value is null ? null : JsonSerializer.Deserialize(entry.Value, StorageJson.Default.Appointment);
}
