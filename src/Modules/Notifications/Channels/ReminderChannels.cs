using Appointments.Booking.Contracts;
using Appointments.BuildingBlocks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Channels;

/// <summary>Picks each method's channel from the host's <see cref="NotificationsSettings"/> and the credentials present.</summary>
internal static class ReminderChannels
{
    public static IMessageChannel ForEmail(IServiceProvider services)
    {
        if (services.GetRequiredService<NotificationsSettings>().DaprBindings)
        {
            return ActivatorUtilities.CreateInstance<DaprEmailChannel>(services);
        }

        return string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<SmtpOptions>>().Value.Sender)
            ? Unconfigured(services, "EMAIL_ADDRESS")
            : ActivatorUtilities.CreateInstance<SmtpEmailChannel>(services);
    }

    public static IMessageChannel ForSms(IServiceProvider services)
    {
        if (services.GetRequiredService<NotificationsSettings>().DaprBindings)
        {
            return ActivatorUtilities.CreateInstance<DaprSmsChannel>(services);
        }

        return services.GetRequiredService<IOptions<TwilioOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<TwilioSmsChannel>(services)
            : Unconfigured(services, "TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN/TWILIO_PHONE_NUMBER");
    }

    private static IMessageChannel Unconfigured(IServiceProvider services, string missing) =>
        services.GetRequiredService<IHostEnvironment>().IsDevelopment()
            ? ActivatorUtilities.CreateInstance<LoggingChannel>(services, missing)
            : new UnconfiguredChannel(missing);
}

/// <summary>Says once at start-up how each method's reminders go out: the server and its TLS, a binding, or why not at all.</summary>
internal sealed class ChannelStartupLog(
    [FromKeyedServices(ReminderMethod.Email)] IMessageChannel email,
    [FromKeyedServices(ReminderMethod.Sms)] IMessageChannel sms,
    IOptions<SmtpOptions> smtp,
    IOptions<TwilioOptions> twilio,
    ILogger<ChannelStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Report("Email", email);
        Report("SMS", sms);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report(string method, IMessageChannel channel)
    {
        switch (channel)
        {
            case LoggingChannel logging:
                logger.LogInformation("{Method} reminders are written to the log, not sent: {Missing} not configured", method, logging.Missing);
                break;
            case UnconfiguredChannel unconfigured:
                logger.LogWarning("{Method} reminders cannot be sent: {Missing} not configured; they are recorded as failed", method, unconfigured.Missing);
                break;
            case SmtpEmailChannel:
                var o = smtp.Value;
                logger.LogInformation("{Method} reminders are sent by SMTP to {Host}:{Port}, {Security}, {Login}", method, o.Host, o.Port, o.DescribeSecurity(),
                    string.IsNullOrEmpty(o.Password) ? "without login" : "logging in as EMAIL_ADDRESS");
                break;
            case TwilioSmsChannel:
                logger.LogInformation("{Method} reminders are sent by Twilio's REST API at {Url}", method, LogSafe.Url(twilio.Value.ApiUrl));
                break;
            case DaprEmailChannel:
            case DaprSmsChannel:
                logger.LogInformation("{Method} reminders are sent through the Dapr output binding '{Binding}'", method,
                    channel is DaprEmailChannel ? DaprEmailChannel.BindingName : DaprSmsChannel.BindingName);
                break;
        }
    }
}
