using System.Globalization;
using Appointments.BuildingBlocks;
using Appointments.Booking.Contracts;
using Appointments.Notifications.Channels;
using Appointments.Notifications.Notices;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Appointments.Notifications;

/// <summary>
/// Reminders a day ahead and notices of every change, each sent once. Expects <c>IStateStore</c> and Booking's
/// contracts in DI; with <see cref="NotificationsSettings.DaprBindings"/> also <c>DaprClient</c>.
/// </summary>
public static class NotificationsModule
{
    /// <summary>The Dapr cron input binding's name, and so the path daprd POSTs to.</summary>
    public const string CronBindingName = "reminder-cron";

    /// <summary>The Dapr cron input binding that triggers notice scans: every few seconds, where reminders need minutes.</summary>
    public const string NoticeCronBindingName = "notice-cron";

    /// <summary>The meter of the reminder counters and the activity source of reminder scans.</summary>
    public const string TelemetryName = "Appointments.Notifications";

    /// <summary>
    /// How much longer than <c>Reminders:SendTimeout</c> a stop waits: for the claim and Booking's record after the send,
    /// two state store calls that deploy/k8s/resiliency.yaml bounds at 5 s each.
    /// </summary>
    internal static readonly TimeSpan RecordAfterSend = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddNotificationsModule(this IHostApplicationBuilder builder, NotificationsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddOptions<ReminderOptions>()
            .Bind(configuration.GetSection(ReminderOptions.Section))
            .Validate(o => o.IsValid(), "Reminders: LeadTime, ScanInterval, ClaimLease and SendTimeout must be positive, RetryDelay not negative, MaxAttempts at least 1.")
            .ValidateOnStart();
        services.AddSingleton(settings);

        // A stop waits for the send in progress, which it never cancels (ClaimedDelivery), and for its record. Read
        // from configuration, not IOptions<ReminderOptions>: the host's lifetime is built before a bad value can be
        // refused in one line at start-up, and the refusal then stops the host anyway.
        services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
        {
            var sendTimeout = TimeSpan.TryParse(configuration[$"{ReminderOptions.Section}:{nameof(ReminderOptions.SendTimeout)}"], CultureInfo.InvariantCulture, out var configured)
                ? configured
                : new ReminderOptions().SendTimeout;
            if (sendTimeout + RecordAfterSend > host.ShutdownTimeout)
            {
                host.ShutdownTimeout = sendTimeout + RecordAfterSend;
            }
        });
        services.AddOptions<SmtpOptions>()
            .Bind(configuration)
            .Validate(o => o.IsValid(), "SMTP_HOST must be set and SMTP_PORT between 1 and 65535.")
            .Validate(o => o.KeepsPasswordOffClearText(), $"EMAIL_PASSWORD is set but {SmtpOptions.TlsKey} is Off: a password is never sent without TLS.")
            .ValidateOnStart();
        services.AddOptions<TwilioOptions>()
            .Bind(configuration)
            .Validate(o => o.ApiUrl is { IsAbsoluteUri: true }, "TWILIO_API_URL must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<TwilioHttpOptions>()
            .Bind(configuration.GetSection(TwilioHttpOptions.Section))
            .Validate(o => o.IsValid(), "Notifications:Twilio: AttemptTimeout at least 10ms and at most TotalTimeout, MaxRetries at least 1.")
            .ValidateOnStart();

        services.AddHttpClient(TwilioSmsChannel.HttpClientName)
            .AddResilienceHandler("twilio", (pipeline, context) =>
            {
                var http = context.ServiceProvider.GetRequiredService<IOptions<TwilioHttpOptions>>().Value;
                pipeline
                    .AddTimeout(http.TotalTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = http.MaxRetries,
                        Delay = http.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    })
                    .AddTimeout(http.AttemptTimeout);
            });
        services.AddKeyedSingleton(ReminderMethod.Email, (sp, _) => ReminderChannels.ForEmail(sp));
        services.AddKeyedSingleton(ReminderMethod.Sms, (sp, _) => ReminderChannels.ForSms(sp));

        services.AddSingleton<DeliveryMetrics>();
        services.AddOptions<NoticesOptions>()
            .Bind(configuration.GetSection(NoticesOptions.Section))
            .Validate(o => o.IsValid(), "Notices: Delay at least 100ms, ClaimLease positive, RetryDelay not negative, MaxAttempts 1 to 20, BatchSize 1 to 10000, SendConcurrency 1 to 32, MaxPerRecipientPerDay 1 to 1000, ClinicName 1 to 40 characters, SmsAllowedPrefixes like +44.")
            .ValidateOnStart();
        services.AddSingleton<RecipientLimit>();
        services.AddSingleton<ClaimedDelivery>();
        services.AddSingleton<ReminderScan>();
        services.AddSingleton<NoticeScan>();
        services.AddHostedService<NoticeTimer>();
        services.AddSingleton<ReminderIndex>();
        services.AddSingleton<ReminderPurge>();
        services.AddHostedService(provider => provider.GetRequiredService<ReminderPurge>());
        services.AddStartupReport<ChannelStartupLog>();
        services.AddHostedService<ReminderTimer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Without the in-process timer (Dapr mode) the cron binding triggers scans; with it, nothing may.
        if (!app.ServiceProvider.GetRequiredService<NotificationsSettings>().Timers)
        {
            app.MapCronTriggers();
        }

        return app;
    }
}
