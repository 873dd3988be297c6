using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Appointments.Tests.DaprSidecar;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Notifications.Tests;

/// <summary>The Dapr output-binding channels through a real DaprClient against the sidecar double, which applies the SMTP and Twilio binding rules.</summary>
public sealed class DaprBindingChannelsTests : IAsyncLifetime
{
    private static readonly OutgoingMessage Email =
        ReminderText.For("alice@example.com", "dr-house", new DateTime(2026, 12, 1, 10, 0, 0), "Europe/Paris");

    private static readonly OutgoingMessage Sms = Email with { To = "+15555550100" };

    private DaprSidecarDouble _sidecar = null!;
    private ClinicHost _host = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await DaprSidecarDouble.StartAsync();
        _host = new ClinicHost(TimeProvider.System,
            settings: new Dictionary<string, string?> { ["EMAIL_ADDRESS"] = "clinic@example.com" },
            services: services => services.AddSingleton(_sidecar.CreateDaprClient()),
            module: new NotificationsSettings { DaprBindings = true, Timers = false });
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task An_email_reminder_invokes_the_email_binding_with_recipient_sender_and_subject_on_the_request()
    {
        await Channel(ReminderMethod.Email).SendAsync(Email, CancellationToken.None);

        var request = _sidecar.BindingCalls.Should().ContainSingle().Subject;
        request.Name.Should().Be("email");
        request.Operation.Should().Be("create");
        request.Metadata.Should().Contain("emailTo", "alice@example.com")
            .And.Contain("emailFrom", "clinic@example.com")
            .And.Contain("subject", "Appointment Reminder")
            .And.Contain("priority", "3")
            .And.NotContainKeys(["emailCC", "emailBCC"]);
        request.SentText.Should().StartWith("<p>").And.Contain("dr-house").And.Contain("2026-12-01 10:00 (Europe/Paris)");
    }

    [Fact]
    public async Task An_email_waiting_for_the_one_before_it_past_its_timeout_never_reaches_the_binding_and_is_tried_again_later()
    {
        await using var slow = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { BindingSendTime = TimeSpan.FromSeconds(1) });
        using var host = new ClinicHost(TimeProvider.System,
            settings: new Dictionary<string, string?> { ["EMAIL_ADDRESS"] = "clinic@example.com" },
            services: services => services.AddSingleton(slow.CreateDaprClient()),
            module: new NotificationsSettings { DaprBindings = true, Timers = false });
        var channel = host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var first = channel.SendAsync(Email, CancellationToken.None);
        var second = () => channel.SendAsync(Email with { To = "bob@example.com" }, timeout.Token);

        var failure = (await second.Should().ThrowAsync<DeliveryException>()).Which;
        await first;
        failure.IsTransient.Should().BeTrue();
        failure.Category.Should().Be(DeliveryFailure.TimedOut);
        slow.BindingCalls.Should().ContainSingle().Which.Used["emailTo"].Should().Be("alice@example.com");
    }

    [Fact]
    public async Task An_sms_reminder_invokes_the_sms_binding_with_the_number_on_the_request()
    {
        await Channel(ReminderMethod.Sms).SendAsync(Sms, CancellationToken.None);

        var request = _sidecar.BindingCalls.Should().ContainSingle().Subject;
        request.Name.Should().Be("sms");
        request.Operation.Should().Be("create");
        request.Metadata.Should().Contain("toNumber", "+15555550100");
        request.SentText.Should().Contain("dr-house").And.Contain("2026-12-01 10:00");
    }

    [Fact]
    public async Task A_failing_binding_is_a_transient_failure()
    {
        _sidecar.FailBinding("email");

        var send = () => Channel(ReminderMethod.Email).SendAsync(Email, CancellationToken.None);

        (await send.Should().ThrowAsync<DeliveryException>()).Which.IsTransient.Should().BeTrue();
    }

    private IMessageChannel Channel(ReminderMethod method) =>
        _host.Services.GetRequiredKeyedService<IMessageChannel>(method);
}
