using System.Net;
using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>API.md, "Privacy and audit": nothing cached on the way, no link built from a Host header, no delivery internals for doctors.</summary>
public sealed class PrivacyTests(EmbeddedApp app) : ApiTestBase<EmbeddedApp>(app)
{
    [Fact]
    public async Task Every_api_and_fhir_answer_says_no_store_refusals_included()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor()));

        var answers = new[]
        {
            await patient.GetAsync($"/api/appointments/{id}"),
            await patient.GetAsync("/api/appointments/000000000000000000000000"),
            await App.Client().GetAsync("/api/appointments"),
            await patient.GetAsync($"/fhir/Appointment/{id}"),
            await App.Client().GetAsync("/fhir/Appointment"),
            await patient.PostAsync("/api/appointments", new StringContent("not json")),
        };

        answers.Should().OnlyContain(a => a.Headers.CacheControl != null && a.Headers.CacheControl.NoStore);
    }

    [Fact]
    public async Task A_made_up_host_header_never_ends_up_in_a_fhir_link()
    {
        var patient = App.NewPatient(out var name);
        await BookOk(patient, Booking(NewDoctor()));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Appointment?date=ge2031-03-01&date=lt2031-04-01");
        request.Headers.Host = "phishing.example";

        var bundle = await (await App.Client(App.Token(name)).SendAsync(request)).Content.ReadAsStringAsync();

        bundle.Should().Contain("\"fullUrl\"").And.NotContain("phishing.example");
    }

    [Fact]
    public async Task A_doctor_reads_their_patients_appointment_without_how_its_messages_went()
    {
        var patient = App.NewPatient(out _);
        var doctor = NewDoctor();
        var id = await BookOk(patient, Booking(doctor));

        var byDoctor = await Get(Doctor(doctor), id);
        var byPatient = await Get(patient, id);
        var byAdmin = await Get(Admin(), id);

        byDoctor.TryGetProperty("notices", out _).Should().BeFalse();
        byDoctor.GetProperty("reminder").ValueKind.Should().Be(JsonValueKind.Null);
        byPatient.TryGetProperty("notices", out _).Should().BeTrue();
        byAdmin.TryGetProperty("notices", out _).Should().BeTrue();
    }
}

/// <summary>Behind a proxy that publishes the service at https://clinic.example/appointments.</summary>
public sealed class PublicBaseUrlApp : EmbeddedApp
{
    public const string PublicBaseUrl = "https://clinic.example/appointments";

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["PublicBaseUrl"] = PublicBaseUrl;
    }
}

public sealed class PublicBaseUrlTests(PublicBaseUrlApp app) : ApiTestBase<PublicBaseUrlApp>(app)
{
    [Fact]
    public async Task Location_and_fhir_links_are_under_the_public_base_url()
    {
        var patient = App.NewPatient(out _);

        var created = await Book(patient, Booking(NewDoctor()));
        var bundle = JsonDocument.Parse(await (await patient.GetAsync("/fhir/Appointment?date=ge2031-03-01&date=lt2031-04-01")).Content.ReadAsStringAsync()).RootElement;

        created.Headers.Location!.ToString().Should().StartWith(PublicBaseUrlApp.PublicBaseUrl + "/api/appointments/");
        bundle.GetProperty("link")[0].GetProperty("url").GetString().Should().Be(PublicBaseUrlApp.PublicBaseUrl + "/fhir/Appointment?date=ge2031-03-01&date=lt2031-04-01");
        bundle.GetProperty("entry")[0].GetProperty("fullUrl").GetString().Should().StartWith(PublicBaseUrlApp.PublicBaseUrl + "/fhir/Appointment/");
    }
}
