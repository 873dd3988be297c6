using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// Output bindings as daprd runs them with <c>bindings.smtp</c> and <c>bindings.twilio.sms</c> (DAPR.md, "Output
/// bindings"): nothing is sent anywhere; accepted calls are recorded. Every failure is gRPC <c>Internal</c>, as in daprd.
/// Calls run concurrently, each taking <see cref="DaprSidecarOptions.BindingSendTime"/>, and finish whatever the caller's
/// cancellation: components ignore their context. The SMTP component is <see cref="SmtpMailer"/>, shared state and all.
/// </summary>
internal sealed class BindingService
{
    private readonly IReadOnlyDictionary<string, BindingComponent> _components;
    private readonly Dictionary<string, SmtpMailer> _mailers;
    private readonly TimeSpan _sendTime;

    // The double's own bookkeeping, not the components' state.
    private readonly Lock _lock = new();
    private readonly List<BindingCall> _calls = [];
    private readonly Dictionary<string, int> _failuresToInject = new(StringComparer.Ordinal);
    private int _inProgress;

    public BindingService(IReadOnlyDictionary<string, BindingComponent> components, TimeSpan sendTime)
    {
        _components = components;
        _sendTime = sendTime;
        _mailers = components.Where(component => component.Value.Type == BindingComponent.Smtp)
            .ToDictionary(component => component.Key, component => new SmtpMailer(component.Value.Metadata), StringComparer.Ordinal);
    }

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

    /// <summary>Calls a component is working on: accepted by the sidecar, not yet answered.</summary>
    public int InProgress => Volatile.Read(ref _inProgress);

    public void Fail(string name, int times)
    {
        lock (_lock)
        {
            _failuresToInject[name] = _failuresToInject.GetValueOrDefault(name) + times;
        }
    }

    public async Task<InvokeBindingResponse> InvokeBindingAsync(InvokeBindingRequest request)
    {
        if (!_components.TryGetValue(request.Name, out var component))
        {
            throw Failed(request.Name, $"couldn't find output binding {request.Name}");
        }

        // Both components support only "create"; daprd checks that before calling the component.
        if (request.Operation != "create")
        {
            throw Failed(request.Name, $"binding {request.Name} does not support operation {request.Operation}. supported operations:create");
        }

        var metadata = new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal);
        Interlocked.Increment(ref _inProgress);
        try
        {
            var (error, used) = component.Type switch
            {
                BindingComponent.Smtp => await _mailers[request.Name].InvokeAsync(metadata, _sendTime),
                BindingComponent.TwilioSms => await SendSmsAsync(component.Metadata, metadata),
                _ => ($"component type {component.Type} is not simulated", null),
            };

            lock (_lock)
            {
                if (error is null && _failuresToInject.GetValueOrDefault(request.Name) > 0)
                {
                    _failuresToInject[request.Name]--;
                    error = "injected failure: the provider did not accept the message";
                }

                if (error is not null)
                {
                    throw Failed(request.Name, error);
                }

                var data = request.Data.ToByteArray();
                _calls.Add(new BindingCall(request.Name, request.Operation, data, metadata, Unquote(data), used!));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }

        return new InvokeBindingResponse();
    }

    /// <summary>The Twilio component reads its own metadata only: its toNumber wins, the request's is used when it has none.</summary>
    private async Task<(string? Error, IReadOnlyDictionary<string, string>? Used)> SendSmsAsync(
        IReadOnlyDictionary<string, string> component, Dictionary<string, string> request)
    {
        var used = new Dictionary<string, string>(component, StringComparer.Ordinal);
        if (string.IsNullOrEmpty(component.GetValueOrDefault("toNumber")) && !string.IsNullOrEmpty(request.GetValueOrDefault("toNumber")))
        {
            used["toNumber"] = request["toNumber"];
        }

        if (!used.ContainsKey("toNumber"))
        {
            return ("twilio missing \"toNumber\" field", null);
        }

        await Task.Delay(_sendTime, CancellationToken.None);
        return (null, used);
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
