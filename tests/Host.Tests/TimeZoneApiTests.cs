using System.Net;

namespace Appointments.Host.Tests;

/// <summary>A clinic in a zone with daylight saving: Europe/Berlin, whose clocks change on 2031-03-30 and 2031-10-26.</summary>
public sealed class BerlinApp : AppFixture
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Runtime:Mode"] = "Embedded";
        settings["ConnectionStrings:Appointments"] = $"Data Source={Directory.File("berlin.db")}";
        settings["Booking:TimeZone"] = "Europe/Berlin";
        return Task.CompletedTask;
    }
}

public sealed class TimeZoneApiTests(BerlinApp app) : ApiTestBase<BerlinApp>(app)
{
    [Fact]
    public async Task A_local_time_the_clocks_skip_is_400_and_says_so()
    {
        var patient = App.NewPatient(out _);

        var response = await Book(patient, Booking(NewDoctor(), "2031-03-30 02:30:00"));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "This local time does not exist in the clinic's time zone: the clocks skip it");
        (await List(patient)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_repeated_local_time_is_its_first_occurrence_unless_an_offset_is_given()
    {
        var doctor = NewDoctor();
        var (alice, bob) = (App.NewPatient(out _), App.NewPatient(out _));

        var first = await Get(alice, await BookOk(alice, Booking(doctor, "2031-10-26 02:30:00")));
        var second = await Get(bob, await BookOk(bob, Booking(doctor, "2031-10-26T02:30:00+01:00")));

        first.GetProperty("start").GetString().Should().Be("2031-10-26T02:30:00+02:00");
        second.GetProperty("start").GetString().Should().Be("2031-10-26T02:30:00+01:00", "an hour later, so the doctor is free again");
        second.GetProperty("date_time").GetString().Should().Be("2031-10-26 02:30:00");
    }

    [Fact]
    public async Task Times_are_written_in_the_clinic_zone_with_its_offset_on_either_side_of_a_change()
    {
        var patient = App.NewPatient(out _);

        var winter = await Get(patient, await BookOk(patient, Booking(NewDoctor(), "2031-03-20T09:00:00Z")));
        var summer = await Get(patient, await BookOk(patient, Booking(NewDoctor(), "2031-04-20T09:00:00Z")));

        winter.GetProperty("date_time").GetString().Should().Be("2031-03-20 10:00:00");
        winter.GetProperty("end").GetString().Should().Be("2031-03-20T10:30:00+01:00");
        summer.GetProperty("date_time").GetString().Should().Be("2031-04-20 11:00:00");
        summer.GetProperty("start").GetString().Should().Be("2031-04-20T11:00:00+02:00");
    }
}
