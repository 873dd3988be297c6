using Appointments.Booking.Storage;

namespace Appointments.Booking;

/// <summary>Appointments starting in [From, To), of one patient, one doctor, or both.</summary>
internal sealed record AppointmentQuery(DateTimeOffset From, DateTimeOffset To, string? Patient = null, string? Doctor = null);

/// <summary>
/// Finds appointments in a range of at most <see cref="Availability.MaxDays"/> clinic-local days, with the visibility
/// of <c>/api</c>: a patient's own (from their month lists), a doctor's own (from their day lists), and for an
/// admin whichever patient or doctor they name. Cancelled appointments are found too; deleted ones are not.
/// </summary>
internal sealed class AppointmentSearch(AppointmentPages pages, DoctorDays days, Clinic clinic)
{
    private const int PageSize = 100;

    public async Task<(IReadOnlyList<Appointment>? Appointments, BookingError? Error)> FindAsync(Caller caller, AppointmentQuery query, CancellationToken cancellationToken)
    {
        if (Availability.DaysOf(query.From, query.To, clinic.Zone) is not (var first, var last))
        {
            return (null, BookingError.Invalid("date", Availability.RangeRule));
        }

        var patient = caller.Role == Caller.Patient ? caller.Username : query.Patient;
        var doctor = caller.Role == Caller.Doctor ? caller.Username : query.Doctor;
        if (patient is null && doctor is null)
        {
            return (null, BookingError.Invalid("patient", "an admin names the patient or the practitioner"));
        }

        var found = doctor is not null
            ? await days.AppointmentsAsync(doctor, first, last, clinic.Zone, cancellationToken)
            : await PatientsAsync(patient!, query, cancellationToken);
        return (found.Where(a => a.StartUtc >= query.From && a.StartUtc < query.To && caller.CanRead(a)
            && (query.Patient is null || a.Username == query.Patient)
            && (query.Doctor is null || a.Doctor == query.Doctor)).ToList(), null);
    }

    private async Task<List<Appointment>> PatientsAsync(string username, AppointmentQuery query, CancellationToken cancellationToken)
    {
        var all = new List<Appointment>();
        PagePosition? after = null;
        do
        {
            var page = await pages.PageForUserAsync(username, new ListFilter(From: query.From, To: query.To), PageSize, after, cancellationToken);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }
}
