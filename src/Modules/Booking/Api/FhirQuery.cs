namespace Appointments.Booking.Api;

/// <summary>The FHIR search parameters <c>/fhir</c> understands: a <c>ge</c>/<c>lt</c> range, and references by type and id.</summary>
internal static class FhirQuery
{
    /// <summary>
    /// A range given as one <c>ge</c> and one <c>lt</c> value (<c>date=ge2027-01-01&amp;date=lt2027-02-01</c>), each a
    /// date (clinic-local midnight) or a dateTime; without an offset in the clinic's zone, as <c>date_time</c> is read.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To, BookingError? Error) ReadRange(string name, string[]? values, Clinic clinic)
    {
        DateTimeOffset? ge = null, lt = null;
        foreach (var value in values ?? [])
        {
            var (prefix, text) = value.Length > 2 ? (value[..2], value[2..]) : ("", value);
            var instant = DoctorQuery.ReadDate(text) is null ? clinic.Parse(text) : clinic.Parse($"{text} 00:00");
            switch (prefix)
            {
                case "ge" when ge is null && instant is not null:
                    ge = instant;
                    break;
                case "lt" when lt is null && instant is not null:
                    lt = instant;
                    break;
                default:
                    return (default, default, Refusal(name));
            }
        }

        return ge is null || lt is null ? (default, default, Refusal(name)) : (ge.Value, lt.Value, null);
    }

    /// <summary>The id of a reference given as <c>{type}/{id}</c> or as the bare id; null when none was given.</summary>
    public static string? Id(string? reference, string type) =>
        reference is null ? null
        : Uri.UnescapeDataString(reference.StartsWith(type + "/", StringComparison.Ordinal) ? reference[(type.Length + 1)..] : reference);

    private static BookingError Refusal(string name) =>
        BookingError.Invalid(name, $"takes one ge and one lt value ({name}=ge2027-01-01&{name}=lt2027-02-01), each a date or a dateTime");
}
