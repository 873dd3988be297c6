using System.Collections.Concurrent;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>A host stopping while a message is with the provider still records that it went, so no take-over sends it again.</summary>
public sealed class GracefulStopTests
{
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    [Fact]
    public async Task A_stop_requested_after_the_provider_accepted_a_reminder_leaves_it_sent_not_for_a_second_send()
    {
        using var stop = new CancellationTokenSource();
        var email = new StopsTheHostWhenAccepting(stop);
        using var clinic = new ClinicHost(_clock, email: email);
        var start = ClinicHost.Start.AddHours(5);
        var id = await clinic.BookAsync("alice", start);

        try
        {
            await clinic.Scan.RunAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The stop may also end the scan itself; what matters is what the claim says.
        }

        var claim = await clinic.ClaimAsync(id, start);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await clinic.ScanAsync();

        claim!.SentAt.Should().Be(ClinicHost.Start);
        email.Sent.Should().ContainSingle("the claim lease ran out, and a claim still 'sending' would have been taken over and sent again");
    }

    /// <summary>The provider takes the message; meanwhile the host is asked to stop.</summary>
    private sealed class StopsTheHostWhenAccepting(CancellationTokenSource stop) : IMessageChannel
    {
        public ConcurrentQueue<OutgoingMessage> Sent { get; } = new();

        public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Sent.Enqueue(message);
            await stop.CancelAsync();
        }
    }
}
