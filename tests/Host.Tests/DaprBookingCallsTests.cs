using System.Net.Http.Json;

namespace Appointments.Host.Tests;

/// <summary>
/// What a booking costs the sidecar in Dapr mode, where every state call is a round trip: one read of every key the
/// booking decides from (the doctor's schedule among them, once this replica has read it for an earlier booking), the
/// transaction, and the read of the witness that confirms it. The 201 answers with the document that was written and
/// the witness's ETag, not with a read of it.
/// </summary>
public sealed class DaprBookingCallsTests(DaprApp app) : ApiTestBase<DaprApp>(app)
{
    [Fact]
    public async Task A_booking_over_http_costs_three_state_calls_and_answers_the_version_it_wrote()
    {
        await SettleAsync();
        var doctor = NewDoctor();
        await BookOk(App.NewPatient(out _), Booking(doctor, FromNow(TimeSpan.FromHours(2))));
        var calls = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var patient = App.NewPatient(out _);
            var before = App.Sidecar.StateCalls;
            var response = await Book(patient, Booking(doctor, FromNow(TimeSpan.FromHours(3 + i))));
            calls.Add(App.Sidecar.StateCalls - before);

            var booked = await Json(response);
            var read = await patient.GetAsync($"/api/appointments/{booked.GetProperty("_id").GetString()}");
            response.Headers.ETag.Should().Be(read.Headers.ETag);
            booked.GetProperty("appointment").ToString().Should().Be((await Json(read)).ToString());
        }

        // Background scans may add calls to one booking's window, never take any away.
        calls.Min().Should().Be(3, string.Join(",", calls));
    }

    [Fact]
    public async Task A_cancel_over_http_reads_no_schedule_and_a_move_the_one_it_remembers()
    {
        await SettleAsync();
        var doctor = NewDoctor();
        var patient = App.NewPatient(out _);
        await BookOk(patient, Booking(doctor, FromNow(TimeSpan.FromHours(2))));
        var (cancels, moves) = (new List<long>(), new List<long>());
        for (var i = 0; i < 5; i++)
        {
            var id = await BookOk(patient, Booking(doctor, FromNow(TimeSpan.FromHours(3 + (2 * i)))));
            var before = App.Sidecar.StateCalls;
            (await patient.PutAsJsonAsync($"/api/appointments/{id}/reschedule", new { new_date_time = FromNow(TimeSpan.FromHours(4 + (2 * i))) })).EnsureSuccessStatusCode();
            moves.Add(App.Sidecar.StateCalls - before);
            before = App.Sidecar.StateCalls;
            (await patient.PostAsync($"/api/appointments/{id}/cancel", null)).EnsureSuccessStatusCode();
            cancels.Add(App.Sidecar.StateCalls - before);
        }

        // Read the appointment, read what the change decides from, the transaction, its witness, and the answer's read.
        cancels.Min().Should().Be(5, string.Join(",", cancels));
        moves.Min().Should().Be(5, string.Join(",", moves));
    }

    /// <summary>The host's start-up scan of the outbox and the reminder index makes calls of its own: lets it finish.</summary>
    private async Task SettleAsync()
    {
        for (var (last, waited) = (-1L, 0); App.Sidecar.StateCalls != last && waited < 60; waited++)
        {
            last = App.Sidecar.StateCalls;
            await Task.Delay(500);
        }
    }
}
