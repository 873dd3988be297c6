using System.Net;
using Appointments.Tests.DaprSidecar;

namespace Appointments.Host.Tests;

/// <summary>
/// The Dapr mode over a MongoDB that takes its time (each write of a transaction a few milliseconds, rows held until the
/// commit, conflicting transactions rerun by the driver): DAPR.md's third reading, where a key every booking of a
/// doctor writes spins until it answers 503.
/// </summary>
public sealed class SlowMongoDaprApp : DaprApp
{
    protected override DaprSidecarOptions SidecarOptions => new() { AppToken = AppToken, StateOperationLatency = TimeSpan.FromMilliseconds(10) };
}

public sealed class HotDoctorApiTests(SlowMongoDaprApp app) : ApiTestBase<SlowMongoDaprApp>(app)
{
    [Fact]
    public async Task Thirty_two_patients_booking_one_doctors_day_at_once_all_get_their_times_and_never_503()
    {
        var doctor = NewDoctor();
        var clients = Enumerable.Range(0, 32).Select(_ => App.NewPatient(out var _)).ToList();

        var results = await Race(clients.Count, i => Book(clients[i], Booking(doctor, $"2031-05-05 {7 + (i / 2):00}:{(i % 2) * 30:00}:00")));

        results.Should().OnlyContain(s => s == HttpStatusCode.Created, "their times do not overlap; they compete only for the doctor's day");
    }

    [Fact]
    public async Task Thirty_two_patients_booking_one_doctors_time_at_once_get_one_201_and_409s_never_503()
    {
        var doctor = NewDoctor();
        var clients = Enumerable.Range(0, 32).Select(_ => App.NewPatient(out var _)).ToList();

        // Every start within 29 minutes of every other: each overlaps all the rest.
        var results = await Race(clients.Count, i => Book(clients[i], Booking(doctor, $"2031-05-06 10:{i % 30:00}:00")));

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(31);
    }
}
