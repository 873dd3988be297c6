using System.Collections.Concurrent;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// A host stopping while a message is with the provider lets the send finish (a Dapr binding would send it anyway) and
/// records that it went, so no take-over sends it again.
/// </summary>
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

    [Fact]
    public async Task A_stop_requested_while_a_reminder_is_with_the_provider_does_not_cancel_that_send()
    {
        using var stop = new CancellationTokenSource();
        var email = new HeldUntilReleased();
        using var clinic = new ClinicHost(_clock, email: email);
        var start = ClinicHost.Start.AddHours(5);
        var id = await clinic.BookAsync("alice", start);

        var scan = clinic.Scan.RunAsync(stop.Token);
        var send = await email.Started.Task;
        await stop.CancelAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        var cancelledByTheStop = send.IsCancellationRequested;
        email.Release.SetResult();
        await scan;

        cancelledByTheStop.Should().BeFalse("a Dapr binding sends anyway, and the claim must then say so");
        (await clinic.ClaimAsync(id, start))!.Status.Should().Be("sent");
    }

    [Fact]
    public void A_stop_waits_for_a_send_its_whole_timeout_and_then_for_its_record()
    {
        using var clinic = new ClinicHost(_clock, settings: new Dictionary<string, string?> { ["Reminders:SendTimeout"] = "00:01:00" });

        clinic.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout
            .Should().Be(TimeSpan.FromMinutes(1) + NotificationsModule.RecordAfterSend);
    }

    /// <summary>A provider that takes its time: the send starts, and finishes when the test says.</summary>
    private sealed class HeldUntilReleased : IMessageChannel
    {
        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Started.TrySetResult(cancellationToken);
            await Release.Task;
        }
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
