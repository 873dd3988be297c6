using System.Net;

namespace Appointments.Booking.Tests;

/// <summary>Double booking under real concurrency: many requests in flight at once against one host.</summary>
public abstract class ConcurrencyApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task Of_fifty_simultaneous_bookings_of_one_doctor_and_time_exactly_one_succeeds()
    {
        var doctor = NewDoctor();
        var clients = Enumerable.Range(0, 50).Select(_ => App.NewPatient(out var _)).ToList();
        using var start = new SemaphoreSlim(0);

        var attempts = clients.Select(client => Task.Run(async () =>
        {
            await start.WaitAsync();
            return (await Book(client, Booking(doctor, "2031-05-05 10:00:00"))).StatusCode;
        })).ToList();
        start.Release(clients.Count);
        var results = await Task.WhenAll(attempts);

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(49);
    }

    [Fact]
    public async Task Of_overlapping_start_times_racing_exactly_one_succeeds()
    {
        var doctor = NewDoctor();
        var starts = Enumerable.Range(0, 30).Select(i => $"2031-05-06 10:{i:00}:00").ToList();
        using var start = new SemaphoreSlim(0);

        var attempts = starts.Select(time => Task.Run(async () =>
        {
            var client = App.NewPatient(out _);
            await start.WaitAsync();
            return (await Book(client, Booking(doctor, time))).StatusCode;
        })).ToList();
        start.Release(starts.Count);
        var results = await Task.WhenAll(attempts);

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1, "every start between 10:00 and 10:29 overlaps every other");
    }

    [Fact]
    public async Task Concurrent_bookings_of_one_patient_all_land_in_their_list()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => (await Book(client, Booking(doctor, $"2031-05-07 {8 + (i / 2):00}:{(i % 2) * 30:00}:00"))).StatusCode)));

        results.Should().OnlyContain(s => s == HttpStatusCode.Created);
        (await List(client)).Should().HaveCount(20, "index updates that raced were retried, not lost");
    }

    [Fact]
    public async Task Racing_reschedules_into_one_free_time_let_exactly_one_in()
    {
        var doctor = NewDoctor();
        var movers = new List<(HttpClient Client, string Id)>();
        for (var i = 0; i < 10; i++)
        {
            var client = App.NewPatient(out _);
            movers.Add((client, await BookOk(client, Booking(doctor, $"2031-05-08 {8 + i:00}:00:00"))));
        }

        var results = await Task.WhenAll(movers.Select(m => Task.Run(async () =>
            (await m.Client.PutAsync($"/api/appointments/{m.Id}/reschedule", new StringContent("""{"new_date_time": "2031-05-08 20:00:00"}"""))).StatusCode)));

        results.Count(s => s == HttpStatusCode.OK).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(9);
    }
}

public sealed class EmbeddedConcurrencyApiTests(EmbeddedApp app) : ConcurrencyApiTests<EmbeddedApp>(app);
