using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// The claim protocol fed directly, for what Booking never hands it: an appointment without an address for its
/// reminder method cannot be booked or changed into being (Booking refuses it), so no scan over Booking's schedule
/// reaches this guard. It stays for records written any other way.
/// </summary>
public sealed class ClaimedDeliveryTests : IDisposable
{
    private readonly ScriptedChannel _email = new();
    private readonly ClinicHost _clinic;

    public ClaimedDeliveryTests()
    {
        _clinic = new ClinicHost(new FakeTimeProvider(ClinicHost.Start), email: _email);
    }

    public void Dispose() => _clinic.Dispose();

    [Fact]
    public async Task A_message_without_an_address_fails_for_good_without_calling_the_channel()
    {
        var recorded = new List<DeliveryState>();
        var delivery = new Delivery("reminder|no-address", "Reminder", "no-address", ReminderMethod.Email, Address: null,
            to => ReminderText.For(to, "dr-house", new DateTime(2031, 3, 2, 9, 0, 0), ClinicHost.TimeZone),
            (state, _) =>
            {
                recorded.Add(state);
                return Task.CompletedTask;
            });
        var policy = new DeliveryPolicy(MaxAttempts: 3, ClaimLease: TimeSpan.FromMinutes(10), RetryDelay: _ => TimeSpan.FromMinutes(5), SendTimeout: TimeSpan.FromSeconds(30));

        var outcome = await _clinic.Services.GetRequiredService<ClaimedDelivery>().DeliverAsync(delivery, policy, CancellationToken.None);

        outcome.Should().Be(DeliveryOutcome.Failed);
        _email.Attempts.Should().Be(0);
        recorded.Select(s => s.Status).Should().Equal("sending", "failed");
        recorded[^1].LastError.Should().Be("no_address");
    }
}
