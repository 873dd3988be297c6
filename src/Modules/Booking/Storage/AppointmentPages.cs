using Appointments.BuildingBlocks.State;

namespace Appointments.Booking.Storage;

/// <summary>
/// Pages of a patient's appointments: the months their record lists, then the month lists a page passes through,
/// then the documents it shows. The same for a patient with twenty appointments as for one with thousands.
/// </summary>
internal sealed class AppointmentPages(IStateStore state, AppointmentDocuments documents)
{
    // A page reads the patient's month lists a few at a time, and stops at the first that fills it.
    private const int MonthsPerRead = 3;

    public async Task<AppointmentPage> PageForUserAsync(string username, ListFilter filter, int limit, PagePosition? after, CancellationToken cancellationToken)
    {
        var fromTicks = Math.Max(filter.From?.UtcTicks ?? 0, after?.StartTicks ?? 0);
        var toTicks = filter.To?.UtcTicks ?? DateTimeOffset.MaxValue.UtcTicks;
        if (fromTicks >= toTicks)
        {
            return new AppointmentPage([], null);
        }

        var (firstMonth, lastMonth) = (BookingKeys.MonthOf(fromTicks), BookingKeys.MonthOf(toTicks - 1));
        var months = PatientRecord.Read(await state.GetAsync(BookingKeys.Patient(username), cancellationToken)).Months
            .Where(m => string.CompareOrdinal(m, firstMonth) >= 0 && string.CompareOrdinal(m, lastMonth) <= 0)
            .ToList();

        bool InPage(IndexEntry e) => e.Start >= fromTicks && e.Start < toTicks && (after is not { } a || a.IsBefore(e.Start, e.Id));

        var found = new List<Appointment>(limit + 1);
        foreach (var chunk in months.Chunk(MonthsPerRead))
        {
            var lists = await state.GetBulkAsync(chunk.Select(m => BookingKeys.PatientMonth(username, m)).ToList(), cancellationToken);

            // Lists are sorted and come back in month order, so their entries are in page order. Each is parsed only
            // until the page is full, so a first page costs the same whether a month holds twenty or hundreds.
            var cursors = lists.Select(b => new IndexCursor(b.Value)).ToList();
            while (true)
            {
                var batch = new List<IndexEntry>(limit + 1 - found.Count);
                foreach (var cursor in cursors)
                {
                    cursor.TakeInto(batch, limit + 1 - found.Count, InPage);
                }

                if (batch.Count == 0)
                {
                    break;
                }

                var appointments = await documents.LoadAsync(batch.Select(e => e.Id).ToList(), cancellationToken);
                found.AddRange(appointments.Where(a => filter.Status is null || a.Status == filter.Status));
                if (found.Count > limit)
                {
                    return new AppointmentPage(found[..limit], PagePosition.Of(found[limit - 1]));
                }
            }
        }

        return new AppointmentPage(found, null);
    }
}
