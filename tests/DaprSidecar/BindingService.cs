using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// Output bindings as daprd runs them with <c>bindings.smtp</c> and <c>bindings.twilio.sms</c> (DAPR.md, "Output
/// bindings"): nothing is sent anywhere; accepted calls are recorded. Every failure is gRPC <c>Internal</c>, as in daprd.
/// The SMTP component merges a request's fields into its own metadata, so they stay for every later email.
/// </summary>
internal sealed class BindingService(IReadOnlyDictionary<string, BindingComponent> components)
{
    private static readonly string[] SmtpRequestFields = ["emailFrom", "emailTo", "emailCC", "emailBCC", "subject", "priority"];

    private readonly Lock _lock = new();
    private readonly List<BindingCall> _calls = [];
    private readonly Dictionary<string, int> _failuresToInject = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _componentMetadata = components.ToDictionary(
        component => component.Key,
        component => new Dictionary<string, string>(component.Value.Metadata, StringComparer.Ordinal),
        StringComparer.Ordinal);

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
        lock (_lock)
        {
            var own = _componentMetadata[request.Name];
            var (error, used) = component.Type switch
            {
                BindingComponent.Smtp => MergeEmail(own, metadata),
                BindingComponent.TwilioSms => CheckSms(own, metadata),
                _ => ($"component type {component.Type} is not simulated", own),
            };

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
            _calls.Add(new BindingCall(request.Name, request.Operation, data, metadata, Unquote(data), new Dictionary<string, string>(used, StringComparer.Ordinal)));
        }

        return new InvokeBindingResponse();
    }

    /// <summary>
    /// The component's <c>mergeWithRequestMetadata</c>: its "merged" copy is the component's own metadata, so every
    /// non-empty request field is written into the component (a bad priority excepted) and stays there.
    /// </summary>
    private static (string? Error, Dictionary<string, string> Used) MergeEmail(Dictionary<string, string> component, Dictionary<string, string> request)
    {
        foreach (var field in SmtpRequestFields)
        {
            if (request.TryGetValue(field, out var value) && value.Length > 0)
            {
                if (field == "priority" && !(int.TryParse(value, out var p) && p is >= 1 and <= 5))
                {
                    return ("smtp binding error: priority value must be between 1 (highest) and 5 (lowest)", component);
                }

                component[field] = value;
            }
        }

        var missing = new[] { "emailFrom", "emailTo", "subject" }.FirstOrDefault(field => string.IsNullOrEmpty(component.GetValueOrDefault(field)));
        return (missing is null ? null : $"smtp binding error: {missing} property not supplied in configuration- or request-metadata", component);
    }

    private static (string? Error, Dictionary<string, string> Used) CheckSms(Dictionary<string, string> component, Dictionary<string, string> request)
    {
        // The component's toNumber wins; the request's is used only when the component has none.
        var used = new Dictionary<string, string>(component, StringComparer.Ordinal);
        if (string.IsNullOrEmpty(component.GetValueOrDefault("toNumber")) && !string.IsNullOrEmpty(request.GetValueOrDefault("toNumber")))
        {
            used["toNumber"] = request["toNumber"];
        }

        return (used.ContainsKey("toNumber") ? null : "twilio missing \"toNumber\" field", used);
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
