using System.Net;

namespace Appointments.Host.Tests;

/// <summary>Double booking under real concurrency: many requests released at once against one host.</summary>
public abstract class ConcurrencyApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task Of_fifty_simultaneous_bookings_of_one_doctor_and_time_exactly_one_succeeds_and_the_rest_are_409()
    {
        var doctor = NewDoctor();
        var clients = Enumerable.Range(0, 50).Select(_ => App.NewPatient(out var _)).ToList();

        var results = await Race(clients.Count, i => Book(clients[i], Booking(doctor, "2031-05-05 10:00:00")));

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(49);
    }

    [Fact]
    public async Task Of_overlapping_start_times_racing_exactly_one_succeeds_and_the_rest_are_409()
    {
        var doctor = NewDoctor();
        var clients = Enumerable.Range(0, 30).Select(_ => App.NewPatient(out var _)).ToList();

        var results = await Race(clients.Count, i => Book(clients[i], Booking(doctor, $"2031-05-06 10:{i:00}:00")));

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1, "every start between 10:00 and 10:29 overlaps every other");
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(29);
    }

    [Fact]
    public async Task Concurrent_bookings_of_one_patient_all_land_in_their_list()
    {
        var client = App.NewPatient(out _);
        var doctor = NewDoctor();

        // Twenty times over four months, so the month buckets and their directory race too.
        var results = await Race(20, i => Book(client, Booking(doctor, $"2031-{3 + (i % 4):00}-{10 + (i / 4):00} 10:00:00")));

        results.Should().OnlyContain(s => s == HttpStatusCode.Created);
        (await List(client)).Should().HaveCount(20, "index updates that raced were retried, not lost");
    }

    [Fact]
    public async Task Racing_reschedules_into_one_free_time_let_exactly_one_in_and_the_rest_are_409()
    {
        var doctor = NewDoctor();
        var movers = new List<(HttpClient Client, string Id)>();
        for (var i = 0; i < 10; i++)
        {
            var client = App.NewPatient(out _);
            movers.Add((client, await BookOk(client, Booking(doctor, $"2031-05-08 {8 + i:00}:00:00"))));
        }

        var results = await Race(movers.Count, i =>
            movers[i].Client.PutAsync($"/api/appointments/{movers[i].Id}/reschedule", new StringContent("""{"new_date_time": "2031-05-08 20:00:00"}""")));

        results.Count(s => s == HttpStatusCode.OK).Should().Be(1);
        results.Count(s => s == HttpStatusCode.Conflict).Should().Be(9);
    }
}

public sealed class EmbeddedConcurrencyApiTests(EmbeddedApp app) : ConcurrencyApiTests<EmbeddedApp>(app);
