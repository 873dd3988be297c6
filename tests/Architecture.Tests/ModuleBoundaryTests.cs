using System.Reflection;
using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications;
using NetArchTest.Rules;

namespace Appointments.Architecture.Tests;

/// <summary>The module boundaries of ARCHITECTURE.md, checked on the compiled assemblies.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly Booking = typeof(BookingModule).Assembly;
    private static readonly Assembly Notifications = typeof(NotificationsModule).Assembly;
    private static readonly Assembly BuildingBlocks = typeof(IStateStore).Assembly;

    [Fact]
    public void Notifications_uses_nothing_of_Booking_but_its_contracts()
    {
        // NetArchTest matches names by prefix, so the check lists every Booking type outside the contracts.
        var bookingInternals = Booking.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Appointments.Booking", StringComparison.Ordinal) == true && t.Namespace != "Appointments.Booking.Contracts")
            .Select(t => t.FullName!)
            .ToArray();

        bookingInternals.Should().Contain("Appointments.Booking.Storage.AppointmentWriter");
        var result = Types.InAssembly(Notifications).ShouldNot().HaveDependencyOnAny(bookingInternals).GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Booking_knows_nothing_of_Notifications_the_Host_or_Dapr()
    {
        var result = Types.InAssembly(Booking).ShouldNot()
            .HaveDependencyOnAny("Appointments.Notifications", "Appointments.Host", "Dapr")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Inside_Booking_only_its_front_door_knows_the_HTTP_edge()
    {
        const string edge = "Appointments.Booking.Api";
        Booking.GetTypes().Should().Contain(t => t.Namespace == edge, "the check must find the edge it guards");
        var inside = Types.InAssembly(Booking).That().DoNotResideInNamespace(edge).And().DoNotHaveName(nameof(BookingModule));
        inside.GetTypes().Should().Contain(t => t.Name == "AppointmentBook", "the use cases are among the types checked");

        var result = inside.ShouldNot().HaveDependencyOn(edge).GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Inside_Booking_only_the_HTTP_edge_knows_the_FHIR_model()
    {
        Booking.GetTypes().Should().Contain(t => t.Namespace == "Appointments.Booking.Api" && t.Name == "FhirResources", "the check must find the FHIR views it guards");
        var inside = Types.InAssembly(Booking).That().DoNotResideInNamespace("Appointments.Booking.Api");

        var result = inside.ShouldNot().HaveDependencyOn("Hl7.Fhir").GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Building_blocks_know_no_module()
    {
        var result = Types.InAssembly(BuildingBlocks).ShouldNot()
            .HaveDependencyOnAny("Appointments.Booking", "Appointments.Notifications", "Appointments.Host")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Outside_the_Dapr_adapters_no_code_sees_Dapr_types()
    {
        var result = Types.InAssemblies([Booking, Notifications, BuildingBlocks])
            .That().DoNotResideInNamespaceEndingWith(".Dapr")
            .And().DoNotHaveNameStartingWith("Dapr")
            .ShouldNot().HaveDependencyOn("Dapr")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Theory]
    [InlineData("Booking")]
    [InlineData("Notifications")]
    public void A_modules_public_surface_is_its_front_door_and_its_contracts(string module)
    {
        var assembly = module == "Booking" ? Booking : Notifications;

        // The front door: {Module}Module, and the {Module}Settings the host passes to it.
        var exposed = assembly.GetExportedTypes()
            .Where(t => t.Name != module + "Module" && t.Name != module + "Settings" && t.Namespace?.EndsWith(".Contracts", StringComparison.Ordinal) != true)
            .Select(t => t.FullName);

        exposed.Should().BeEmpty("everything else is internal");
    }

    private static string Failing(TestResult result) =>
        "these types cross the boundary: " + string.Join(", ", result.FailingTypeNames ?? []);
}
