using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Channels;

/// <summary>Development without credentials: the message is written to the log instead of being sent.</summary>
internal sealed class LoggingChannel(string missing, ILogger<LoggingChannel> logger) : IMessageChannel
{
    public string Missing { get; } = missing;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // The text names the doctor and the time; the patient's address stays out of the log.
        logger.LogInformation("{Subject} not sent ({Missing} not configured), logged instead: {Text}", message.Subject, Missing, message.Text);
        return Task.CompletedTask;
    }
}

/// <summary>Outside Development without credentials: every message fails for good rather than pretending.</summary>
internal sealed class UnconfiguredChannel(string missing) : IMessageChannel
{
    public string Missing { get; } = missing;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException(DeliveryFailure.NotConfigured, $"{Missing} not configured", isTransient: false);
}
