using System.Net;
using Appointments.Tests.DaprSidecar;

namespace Appointments.Host.Tests;

/// <summary>
/// The API in Dapr mode when daprd itself misbehaves as DAPR.md says it can: every way the store or the sidecar can
/// fail is a 503 with <c>Retry-After</c>, and a booking MongoDB reported but did not write is never a 201.
/// </summary>
public sealed class DaprStoreFailureApiTests(DaprApp app) : ApiTestBase<DaprApp>(app), IDisposable
{
    public static TheoryData<StateFailure> Outages() => new(StateFailure.StoreDown, StateFailure.StoreTimeout, StateFailure.SidecarUnreachable);

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Every_shape_of_store_or_sidecar_outage_is_503_with_Retry_After_for_booking_reading_and_listing(StateFailure outage)
    {
        var client = App.NewPatient(out _);
        var id = await BookOk(client, Booking(NewDoctor()));
        App.Sidecar.StateFailure = outage;

        var responses = new[]
        {
            await Book(client, Booking(NewDoctor(), "2031-04-10 10:00:00")),
            await client.GetAsync($"/api/appointments/{id}"),
            await client.GetAsync("/api/appointments"),
        };

        foreach (var response in responses)
        {
            await ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable");
            response.Headers.RetryAfter.Should().NotBeNull();
        }
    }

    [Fact]
    public async Task A_booking_the_store_reported_committed_but_did_not_write_is_written_again_before_it_is_answered_201()
    {
        var client = App.NewPatient(out _);
        var booking = Booking(NewDoctor());
        App.Sidecar.LoseCommits();

        var response = await Book(client, booking);

        response.StatusCode.Should().Be(HttpStatusCode.Created, "its document was not there after the reported commit, so it was written again");
        (await List(client)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_booking_whose_answer_timed_out_but_that_was_written_is_not_reported_as_a_double_booking()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();
        App.Sidecar.StateFailure = StateFailure.WriteLandsAfterTimeout;

        var response = await Book(client, Booking(doctor));
        App.Sidecar.StateFailure = StateFailure.None;

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        (await List(client)).Should().ContainSingle().Which.GetProperty("doctor").GetString().Should().Be(doctor);
    }

    public void Dispose() => App.Sidecar.StateFailure = StateFailure.None;
}
