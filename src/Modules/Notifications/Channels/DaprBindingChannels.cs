using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Appointments.Notifications.Channels;

/// <summary>
/// The Dapr output binding <c>email</c> (<c>bindings.smtp</c>). The binding sends one HTML body and no attachments, so
/// a calendar invite cannot travel this way (DAPR.md, "Output bindings"). The component merges each request's fields
/// into state it shares with every other request, unguarded, while daprd runs requests concurrently: two sends at
/// once can swap recipients and subjects. So this process sends through it strictly one at a time (one channel per
/// host, as there is one sidecar per host), with every field it relies on set on every request.
/// </summary>
internal sealed class DaprEmailChannel(DaprClient dapr, IOptions<SmtpOptions> options) : IMessageChannel, IDisposable
{
    public const string BindingName = "email";

    /// <summary>Normal: the same on every request, so no earlier request's value can stay in the component.</summary>
    private const string Priority = "3";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <param name="cancellationToken">The send's own bound; waiting for the sends before it counts against it.</param>
    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // emailCC and emailBCC are never sent: an empty value does not clear what a request once set (the merge
        // skips empty values), so the only safe CC is none ever, here or in the component (tests/Deployment.Tests).
        var metadata = new Dictionary<string, string>
        {
            ["emailTo"] = message.To,
            ["subject"] = message.Subject,
            ["priority"] = Priority,
        };
        if (!string.IsNullOrWhiteSpace(options.Value.Sender))
        {
            metadata["emailFrom"] = options.Value.Sender;
        }

        try
        {
            await _oneAtATime.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Nothing reached the binding: safe to try again on a later scan.
            throw new DeliveryException(DeliveryFailure.TimedOut, "not sent: the emails before it held the binding for the whole send timeout", isTransient: true);
        }

        try
        {
            await dapr.InvokeBindingAsync(BindingName, "create", message.Html, metadata, cancellationToken);
        }
        catch (DaprException ex)
        {
            throw new DeliveryException(DeliveryFailure.BindingFailed, $"Dapr binding '{BindingName}' failed: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }
        finally
        {
            // Also when the send is abandoned at its timeout: the component reads the shared fields as it starts
            // (it composes the message before dialling), long before any timeout, so the next request cannot cross it.
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
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
