using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// Output bindings as daprd runs them with <c>bindings.smtp</c> and <c>bindings.twilio.sms</c> (DAPR.md, "Output
/// bindings"): nothing is sent anywhere; accepted calls are recorded. Every failure is gRPC <c>Internal</c>, as in daprd.
/// </summary>
internal sealed class BindingService(IReadOnlyDictionary<string, BindingComponent> components)
{
    private static readonly string[] SmtpRequestFields = ["emailFrom", "emailTo", "emailCC", "emailBCC", "subject", "priority"];

    private readonly Lock _lock = new();
    private readonly List<BindingCall> _calls = [];
    private readonly Dictionary<string, int> _failuresToInject = new(StringComparer.Ordinal);

    public IReadOnlyList<BindingCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public void Fail(string name, int times)
    {
        lock (_lock)
        {
            _failuresToInject[name] = _failuresToInject.GetValueOrDefault(name) + times;
        }
    }

    public InvokeBindingResponse InvokeBinding(InvokeBindingRequest request)
    {
        if (!components.TryGetValue(request.Name, out var component))
        {
            throw Failed(request.Name, $"couldn't find output binding {request.Name}");
        }

        // Both components support only "create"; daprd checks that before calling the component.
        if (request.Operation != "create")
        {
            throw Failed(request.Name, $"binding {request.Name} does not support operation {request.Operation}. supported operations:create");
        }

        var metadata = new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal);
        var error = component.Type switch
        {
            BindingComponent.Smtp => CheckEmail(component.Metadata, metadata),
            BindingComponent.TwilioSms => CheckSms(component.Metadata, metadata),
            _ => $"component type {component.Type} is not simulated",
        };

        lock (_lock)
        {
            if (_failuresToInject.GetValueOrDefault(request.Name) > 0)
            {
                _failuresToInject[request.Name]--;
                error ??= "injected failure: the provider did not accept the message";
            }

            if (error is not null)
            {
                throw Failed(request.Name, error);
            }

            var data = request.Data.ToByteArray();
            _calls.Add(new BindingCall(request.Name, request.Operation, data, metadata, Unquote(data)));
        }

        return new InvokeBindingResponse();
    }

    private static string? CheckEmail(IReadOnlyDictionary<string, string> component, Dictionary<string, string> request)
    {
        var merged = new Dictionary<string, string>(component, StringComparer.Ordinal);
        foreach (var field in SmtpRequestFields)
        {
            // A request value overrides the component's only when it is not empty.
            if (request.TryGetValue(field, out var value) && value.Length > 0)
            {
                merged[field] = value;
            }
        }

        if (merged.TryGetValue("priority", out var priority) && priority.Length > 0 && !(int.TryParse(priority, out var p) && p is >= 1 and <= 5))
        {
            return "smtp binding error: priority value must be between 1 (highest) and 5 (lowest)";
        }

        var missing = new[] { "emailFrom", "emailTo", "subject" }.FirstOrDefault(field => string.IsNullOrEmpty(merged.GetValueOrDefault(field)));
        return missing is null ? null : $"smtp binding error: {missing} property not supplied in configuration- or request-metadata";
    }

    private static string? CheckSms(IReadOnlyDictionary<string, string> component, Dictionary<string, string> request)
    {
        // The component's toNumber wins; the request's is used only when the component has none.
        var hasNumber = !string.IsNullOrEmpty(component.GetValueOrDefault("toNumber")) || !string.IsNullOrEmpty(request.GetValueOrDefault("toNumber"));
        return hasNumber ? null : "twilio missing \"toNumber\" field";
    }

    private static string Unquote(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize<string>(text) ?? text;
            }
            catch (JsonException)
            {
                // Not a valid JSON string: the component sends the raw text.
            }
        }

        return text;
    }

    private static RpcException Failed(string name, string error) =>
        new(new Status(StatusCode.Internal, $"error invoking output binding {name}: {error}"));
}
