using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Channels;

/// <summary>Development without credentials: the reminder is written to the log instead of being sent.</summary>
internal sealed class LoggingChannel(string missing, ILogger<LoggingChannel> logger) : IReminderChannel
{
    public string Missing { get; } = missing;

    public Task SendAsync(ReminderMessage message, CancellationToken cancellationToken)
    {
        // The text names the doctor and the time; the patient's address stays out of the log.
        logger.LogInformation("Reminder not sent ({Missing} not configured), logged instead: {Text}", Missing, ReminderText.Plain(message));
        return Task.CompletedTask;
    }
}

/// <summary>Outside Development without credentials: every reminder fails for good rather than pretending.</summary>
internal sealed class UnconfiguredChannel(string missing) : IReminderChannel
{
    public string Missing { get; } = missing;

    public Task SendAsync(ReminderMessage message, CancellationToken cancellationToken) =>
        throw new ReminderDeliveryException(DeliveryFailure.NotConfigured, $"{Missing} not configured", isTransient: false);
}
