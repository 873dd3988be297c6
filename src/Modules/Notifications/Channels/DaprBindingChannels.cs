using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Channels;

/// <summary>
/// The Dapr output binding <c>email</c> (<c>bindings.smtp</c>). The binding sends one HTML body and no attachments, so
/// a calendar invite cannot travel this way (DAPR.md, "Output bindings").
/// </summary>
internal sealed class DaprEmailChannel(DaprClient dapr, IOptions<SmtpOptions> options) : IMessageChannel
{
    public const string BindingName = "email";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // Request metadata may stick to the component in current Dapr releases: set every field on every request.
        var metadata = new Dictionary<string, string>
        {
            ["emailTo"] = message.To,
            ["subject"] = message.Subject,
        };
        if (!string.IsNullOrWhiteSpace(options.Value.Sender))
        {
            metadata["emailFrom"] = options.Value.Sender;
        }

        try
        {
            await dapr.InvokeBindingAsync(BindingName, "create", message.Html, metadata, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new DeliveryException(DeliveryFailure.BindingFailed, $"Dapr binding '{BindingName}' failed: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
    }
}

/// <summary>The Dapr output binding <c>sms</c> (<c>bindings.twilio.sms</c>), whose component must not set <c>toNumber</c>.</summary>
internal sealed class DaprSmsChannel(DaprClient dapr) : IMessageChannel
{
    public const string BindingName = "sms";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { ["toNumber"] = message.To };
        try
        {
            await dapr.InvokeBindingAsync(BindingName, "create", message.Text, metadata, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new DeliveryException(DeliveryFailure.BindingFailed, $"Dapr binding '{BindingName}' failed: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
    }
}
