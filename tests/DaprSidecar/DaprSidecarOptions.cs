namespace Appointments.Tests.DaprSidecar;

/// <summary>How the sidecar double is set up; the defaults match this repo's components.</summary>
public sealed class DaprSidecarOptions
{
    public string AppId { get; init; } = "appointments";

    public string StateStoreName { get; init; } = "statestore";

    /// <summary>The component behind <see cref="StateStoreName"/>: MongoDB, as deployed, unless a test says otherwise.</summary>
    public StateStoreKind StateStore { get; init; } = StateStoreKind.MongoDB;

    /// <summary>How long the store takes for each write of a transaction; zero: none, so rows are held only for an instant.</summary>
    public TimeSpan StateOperationLatency { get; init; }

    /// <summary>daprd's resiliency timeout on the state store (this repo's components: 5 s).</summary>
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>daprd's <c>--max-body-size</c>: no gRPC message in either direction may be larger (default 4 MiB).</summary>
    public int MaxBodySize { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// <c>dapr.io/api-token-secret</c>: when set, every call without <c>dapr-api-token</c> with this value is refused
    /// (HTTP 401, gRPC <c>Unauthenticated</c>), except <c>GET /v1.0/healthz</c>.
    /// </summary>
    public string? ApiToken { get; init; }

    /// <summary><c>dapr.io/app-token-secret</c>: when set, calls to the app (the cron trigger) carry <c>dapr-api-token</c> with this value.</summary>
    public string? AppToken { get; init; }

    /// <summary>Resiliency policies for service invocation, by target app id (e.g. <see cref="AppResiliency.Load"/> of the repo's file).</summary>
    public IReadOnlyDictionary<string, AppResiliency> Resiliency { get; init; } = new Dictionary<string, AppResiliency>();

    /// <summary>Where the app listens, for the cron trigger; can also be set later on the double.</summary>
    public Uri? AppUrl { get; init; }

    /// <summary>
    /// How long each output binding call takes to send, as a real SMTP or Twilio call does: long enough by default that
    /// concurrent sends overlap (and the SMTP component's shared fields cross), short enough not to slow the tests.
    /// </summary>
    public TimeSpan BindingSendTime { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Output binding components by name. By default no component carries the per-message fields.</summary>
    public IReadOnlyDictionary<string, BindingComponent> Bindings { get; init; } = new Dictionary<string, BindingComponent>
    {
        ["email"] = new(BindingComponent.Smtp, new Dictionary<string, string> { ["host"] = "localhost", ["port"] = "25" }),
        ["sms"] = new(BindingComponent.TwilioSms, new Dictionary<string, string>
        {
            ["fromNumber"] = "+15550000000",
            ["accountSid"] = "AC-test",
            ["authToken"] = "token",
        }),
    };
}

/// <summary>An output binding component: its type (<c>bindings.smtp</c>, <c>bindings.twilio.sms</c>) and metadata.</summary>
public sealed record BindingComponent(string Type, IReadOnlyDictionary<string, string> Metadata)
{
    public const string Smtp = "bindings.smtp";
    public const string TwilioSms = "bindings.twilio.sms";
}

/// <summary>
/// An output binding call the component accepted. <see cref="Data"/> and <see cref="Metadata"/> are the request as sent;
/// <see cref="SentText"/> is the body the real component would deliver (a JSON string is unquoted first), and
/// <see cref="Used"/> the fields it delivered with: the component's own metadata merged with the request's.
/// </summary>
public sealed record BindingCall(
    string Name, string Operation, byte[] Data, IReadOnlyDictionary<string, string> Metadata, string SentText, IReadOnlyDictionary<string, string> Used);
