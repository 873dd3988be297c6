using Appointments.Booking.Api;
using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Tests.TestDoubles;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Tests;

/// <summary>Which channel each method gets, from the host's settings, the credentials and the environment.</summary>
public sealed class ReminderChannelSelectionTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(ClinicHost.Start);

    [Fact]
    public async Task In_development_without_credentials_reminders_are_logged_and_start_up_says_so_once_per_channel()
    {
        using var clinic = new ClinicHost(_clock, environment: Environments.Development);
        var start = _clock.GetUtcNow().AddHours(2);
        var id = await clinic.BookAsync("alice", start);

        await clinic.Host.StartAsync();
        await clinic.StartUpScan;
        await clinic.ScanAsync();
        await clinic.ScanAsync();
        await clinic.Host.StopAsync();

        var messages = clinic.Logs.GetSnapshot().Select(r => r.Message).ToList();
        messages.Where(m => m.Contains("reminders are written to the log, not sent")).Should().HaveCount(2)
            .And.ContainSingle(m => m.StartsWith("Email", StringComparison.Ordinal) && m.Contains("EMAIL_ADDRESS"))
            .And.ContainSingle(m => m.StartsWith("SMS", StringComparison.Ordinal) && m.Contains("TWILIO_ACCOUNT_SID"));
        messages.Should().ContainSingle(m => m.StartsWith($"{ReminderText.Subject} not sent", StringComparison.Ordinal) && m.Contains("logged instead") && m.Contains("dr-house"));
        messages.Should().NotContain(m => m.Contains("alice@example.com"), "logs carry ids, not patients' addresses (the booking's notice included)");
        (await clinic.ClaimAsync(id, start))!.Status.Should().Be("sent");
    }

    [Fact]
    public async Task Outside_development_without_credentials_start_up_warns_and_reminders_are_recorded_as_failed()
    {
        using var clinic = new ClinicHost(_clock, environment: Environments.Production);
        var start = _clock.GetUtcNow().AddHours(2);
        var id = await clinic.BookAsync("alice", start);

        await clinic.Host.StartAsync();
        await clinic.StartUpScan;
        await clinic.ScanAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await clinic.ScanAsync();
        await clinic.Host.StopAsync();

        clinic.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("cannot be sent")).Should().HaveCount(2);
        (await clinic.ReminderAsync(id)).Should().Be(new ReminderDocument("failed", 1, null, "not_configured"));
        var claim = await clinic.ClaimAsync(id, start);
        claim!.Status.Should().Be("failed");
        claim.Attempts.Should().Be(1);
        claim.LastError.Should().Be("not_configured");
    }

    [Fact]
    public void With_credentials_direct_delivery_uses_smtp_and_twilio()
    {
        using var host = new ClinicHost(_clock, settings: new Dictionary<string, string?>
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
        using var host = new ClinicHost(_clock,
            services: services => services.AddSingleton(new DaprClientBuilder().Build()),
            module: new NotificationsSettings { DaprBindings = true, Timers = false });

        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).Should().BeOfType<DaprEmailChannel>();
        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Sms).Should().BeOfType<DaprSmsChannel>();
    }

    [Fact]
    public async Task Invalid_reminder_options_stop_the_host_at_start_up()
    {
        using var host = new ClinicHost(_clock, settings: new Dictionary<string, string?> { ["Reminders:MaxAttempts"] = "0" });

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
        using var host = new ClinicHost(_clock, settings: new Dictionary<string, string?> { [key] = value });

        var start = () => host.Host.StartAsync();

        await start.Should().ThrowAsync<OptionsValidationException>();
    }

    [Fact]
    public void Options_default_to_the_documented_values()
    {
        using var host = new ClinicHost(_clock);

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
        host.Services.GetRequiredKeyedService<IMessageChannel>(ReminderMethod.Email).Should().NotBeOfType<DaprEmailChannel>("delivery is direct unless the host says Dapr");
    }
}
