using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Tests;

/// <summary>Which channel each method gets, from <c>Notifications:Delivery</c>, the credentials and the environment.</summary>
public sealed class ReminderChannelSelectionTests
{
    private readonly InMemorySchedule _schedule = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NotificationsHost.NewClock();

    [Fact]
    public async Task In_development_without_credentials_reminders_are_logged_and_start_up_says_so_once_per_channel()
    {
        using var host = NotificationsHost.Create(_schedule, _time, environment: Environments.Development);
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(2)));

        await host.Host.StartAsync();
        await host.StartUpScan;
        await host.Scan.RunAsync(CancellationToken.None);
        await host.Scan.RunAsync(CancellationToken.None);
        await host.Host.StopAsync();

        var messages = host.Logs.GetSnapshot().Select(r => r.Message).ToList();
        messages.Where(m => m.Contains("reminders are written to the log, not sent")).Should().HaveCount(2)
            .And.ContainSingle(m => m.StartsWith("Email", StringComparison.Ordinal) && m.Contains("EMAIL_ADDRESS"))
            .And.ContainSingle(m => m.StartsWith("SMS", StringComparison.Ordinal) && m.Contains("TWILIO_ACCOUNT_SID"));
        messages.Should().ContainSingle(m => m.Contains("logged instead") && m.Contains("dr-house"));
        messages.Should().NotContain(m => m.Contains("alice@example.com"), "logs carry ids, not patients' addresses");
        (await host.ClaimAsync(appointment))!.Status.Should().Be("sent");
    }

    [Fact]
    public async Task Outside_development_without_credentials_start_up_warns_and_reminders_are_recorded_as_failed()
    {
        using var host = NotificationsHost.Create(_schedule, _time, environment: Environments.Production);
        var appointment = _schedule.Add(InMemorySchedule.Appointment("a1", _time.GetUtcNow().AddHours(2)));

        await host.Host.StartAsync();
        await host.StartUpScan;
        await host.Scan.RunAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        await host.Scan.RunAsync(CancellationToken.None);
        await host.Host.StopAsync();

        host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("cannot be sent")).Should().HaveCount(2);
        var claim = await host.ClaimAsync(appointment);
        claim!.Status.Should().Be("failed");
        claim.Attempts.Should().Be(1);
        claim.LastError.Should().Be("not_configured");
    }

    [Fact]
    public void With_credentials_direct_delivery_uses_smtp_and_twilio()
    {
        using var host = NotificationsHost.Create(_schedule, _time, settings: new Dictionary<string, string?>
        {
            ["EMAIL_ADDRESS"] = "clinic@example.com",
            ["TWILIO_ACCOUNT_SID"] = "AC123",
            ["TWILIO_AUTH_TOKEN"] = "token",
            ["TWILIO_PHONE_NUMBER"] = "+15555550999",
        });

        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).Should().BeOfType<SmtpEmailChannel>();
        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Sms).Should().BeOfType<TwilioSmsChannel>();
    }

    [Fact]
    public void Dapr_bindings_delivery_uses_the_email_and_sms_bindings_without_smtp_or_twilio_credentials()
    {
        using var host = NotificationsHost.Create(_schedule, _time,
            settings: new Dictionary<string, string?> { ["Notifications:Delivery"] = "DaprBindings" },
            services: services => services.AddSingleton(new DaprClientBuilder().Build()));

        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).Should().BeOfType<DaprEmailChannel>();
        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Sms).Should().BeOfType<DaprSmsChannel>();
    }

    [Fact]
    public async Task Invalid_reminder_options_stop_the_host_at_start_up()
    {
        using var host = NotificationsHost.Create(_schedule, _time, settings: new Dictionary<string, string?> { ["Reminders:MaxAttempts"] = "0" });

        var start = () => host.Host.StartAsync();

        await start.Should().ThrowAsync<OptionsValidationException>();
    }

    [Theory]
    [InlineData("Reminders:LeadTime", "00:00:00")]
    [InlineData("Reminders:SendTimeout", "00:00:00")]
    [InlineData("SMTP_PORT", "70000")]
    [InlineData("TWILIO_API_URL", "")]
    [InlineData("Notifications:Twilio:MaxRetries", "0")]
    public async Task Invalid_delivery_options_stop_the_host_at_start_up(string key, string value)
    {
        using var host = NotificationsHost.Create(_schedule, _time, settings: new Dictionary<string, string?> { [key] = value });

        var start = () => host.Host.StartAsync();

        await start.Should().ThrowAsync<OptionsValidationException>();
    }

    [Fact]
    public void Options_default_to_the_documented_values()
    {
        using var host = NotificationsHost.Create(_schedule, _time);

        var reminders = host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
        reminders.LeadTime.Should().Be(TimeSpan.FromHours(24));
        reminders.ScanInterval.Should().Be(TimeSpan.FromMinutes(10));
        reminders.ClaimLease.Should().Be(TimeSpan.FromMinutes(10));
        reminders.MaxAttempts.Should().Be(5);
        reminders.SendTimeout.Should().Be(TimeSpan.FromSeconds(30));
        var smtp = host.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        smtp.Host.Should().Be("smtp.gmail.com");
        smtp.Port.Should().Be(587);
        host.Services.GetRequiredService<IOptions<TwilioOptions>>().Value.ApiUrl.Should().Be(new Uri("https://api.twilio.com"));
        host.Services.GetRequiredService<IOptions<NotificationsOptions>>().Value.Delivery.Should().Be(ReminderDelivery.Direct);
    }
}
