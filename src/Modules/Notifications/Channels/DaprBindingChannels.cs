using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Channels;

/// <summary>The Dapr output binding <c>email</c> (<c>bindings.smtp</c>); the body is sent as HTML.</summary>
internal sealed class DaprEmailChannel(DaprClient dapr, IOptions<SmtpOptions> options) : IReminderChannel
{
    public const string BindingName = "email";

    public async Task SendAsync(ReminderMessage message, CancellationToken cancellationToken)
    {
        // Request metadata may stick to the component in current Dapr releases: set every field on every request.
        var metadata = new Dictionary<string, string>
        {
            ["emailTo"] = message.To,
            ["subject"] = ReminderText.Subject,
        };
        if (!string.IsNullOrWhiteSpace(options.Value.Sender))
        {
            metadata["emailFrom"] = options.Value.Sender;
        }

        try
        {
            await dapr.InvokeBindingAsync(BindingName, "create", ReminderText.Html(message), metadata, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new ReminderDeliveryException(DeliveryFailure.BindingFailed, $"Dapr binding '{BindingName}' failed: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
    }
}

/// <summary>The Dapr output binding <c>sms</c> (<c>bindings.twilio.sms</c>), whose component must not set <c>toNumber</c>.</summary>
internal sealed class DaprSmsChannel(DaprClient dapr) : IReminderChannel
{
    public const string BindingName = "sms";

    public async Task SendAsync(ReminderMessage message, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { ["toNumber"] = message.To };
        try
        {
            await dapr.InvokeBindingAsync(BindingName, "create", ReminderText.Plain(message), metadata, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new ReminderDeliveryException(DeliveryFailure.BindingFailed, $"Dapr binding '{BindingName}' failed: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
    }
}
