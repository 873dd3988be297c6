using System.Security.Cryptography;
using System.Text;
using R4 = Hl7.Fhir.Model;

namespace Appointments.Booking.Api;

/// <summary>
/// Booking's appointments, free slots and refusals as FHIR R4 resources, built with Firely's model so that what is
/// served is R4 by construction. Times carry the clinic's offset; participants are <c>Patient/{username}</c> and
/// <c>Practitioner/{doctor}</c>, the schedule of a slot <c>Schedule/{doctor}</c>.
/// </summary>
internal static class FhirResources
{
    public static R4.Appointment Appointment(Appointment a, Clinic clinic) => new()
    {
        Id = a.Id,
        Meta = new R4.Meta { VersionId = a.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), LastUpdated = a.UpdatedAt },
        Status = a.Status switch
        {
            AppointmentStatus.Cancelled => R4.Appointment.AppointmentStatus.Cancelled,
            AppointmentStatus.Completed => R4.Appointment.AppointmentStatus.Fulfilled,
            AppointmentStatus.NoShow => R4.Appointment.AppointmentStatus.Noshow,
            _ => R4.Appointment.AppointmentStatus.Booked,
        },
        CancelationReason = a.Cancellation?.Reason is { } reason ? new R4.CodeableConcept { Text = reason } : null,
        Start = InZone(a.StartUtc, clinic),
        End = InZone(a.EndUtc, clinic),
        MinutesDuration = a.DurationMinutes,
        CreatedElement = new R4.FhirDateTime(a.CreatedAt),
        Participant =
        [
            Participant("Patient", a.Username),
            Participant("Practitioner", a.Doctor),
        ],
    };

    /// <summary>
    /// A free slot, of <paramref name="visitType"/> when one was asked for. Slots are not stored, so each gets an id
    /// derived from its doctor, start and visit type: the same slot, the same id.
    /// </summary>
    public static R4.Slot Slot(string doctor, DateTimeOffset start, DateTimeOffset end, string? visitType, Clinic clinic) => new()
    {
        Id = SlotId(doctor, start, visitType),
        ServiceType = visitType is null ? [] : [new R4.CodeableConcept { Coding = [new R4.Coding { Code = visitType }], Text = visitType }],
        Schedule = new R4.ResourceReference($"Schedule/{doctor}"),
        Status = R4.Slot.SlotStatus.Free,
        Start = InZone(start, clinic),
        End = InZone(end, clinic),
    };

    /// <summary>A <c>searchset</c> bundle of <paramref name="matches"/>, each under the URL it is read at (or its <c>urn:uuid</c>).</summary>
    public static R4.Bundle Searchset(IReadOnlyList<R4.Resource> matches, Uri self, Func<R4.Resource, string> fullUrl) => new()
    {
        Type = R4.Bundle.BundleType.Searchset,
        Total = matches.Count,
        Link = [new R4.Bundle.LinkComponent { Relation = "self", Url = self.AbsoluteUri }],
        Entry = matches.Select(m => new R4.Bundle.EntryComponent
        {
            FullUrl = fullUrl(m),
            Resource = m,
            Search = new R4.Bundle.SearchComponent { Mode = R4.Bundle.SearchEntryMode.Match },
        }).ToList(),
    };

    public static string SlotUrl(R4.Resource slot) => $"urn:uuid:{slot.Id}";

    /// <summary>A refusal as an <c>OperationOutcome</c>: the <c>/api</c> message, and each field error on its own line.</summary>
    public static R4.OperationOutcome Outcome(BookingError error) => new()
    {
        Issue =
        [
            new R4.OperationOutcome.IssueComponent
            {
                Severity = R4.OperationOutcome.IssueSeverity.Error,
                Code = error.Status switch
                {
                    400 => R4.OperationOutcome.IssueType.Invalid,
                    401 => R4.OperationOutcome.IssueType.Login,
                    403 => R4.OperationOutcome.IssueType.Forbidden,
                    404 => R4.OperationOutcome.IssueType.NotFound,
                    409 or 412 => R4.OperationOutcome.IssueType.Conflict,
                    503 => R4.OperationOutcome.IssueType.Transient,
                    _ => R4.OperationOutcome.IssueType.Processing,
                },
                Details = new R4.CodeableConcept { Text = error.Message },
                Diagnostics = error.Errors is null ? null : string.Join("\n", error.Errors.SelectMany(e => e.Value.Select(problem => $"{e.Key}: {problem}"))),
            },
        ],
    };

    private static DateTimeOffset InZone(DateTimeOffset utc, Clinic clinic) => TimeZoneInfo.ConvertTime(utc, clinic.Zone);

    // Usernames may hold characters a relative URL may not: they are escaped as a path segment.
    private static R4.Appointment.ParticipantComponent Participant(string type, string id) => new()
    {
        Actor = new R4.ResourceReference($"{type}/{Uri.EscapeDataString(id)}", id),
        Status = R4.ParticipationStatus.Accepted,
    };

    /// <summary>A name-based UUID (version 5 layout) of the doctor and start, which is also a valid FHIR id.</summary>
    private static string SlotId(string doctor, DateTimeOffset start, string? visitType)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(visitType is null ? $"{doctor}|{start.UtcTicks}" : $"{doctor}|{start.UtcTicks}|{visitType}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
