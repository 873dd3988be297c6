using Dapr.Client;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>Skipped, and says why, unless <see cref="RealDaprd.Variable"/> names a real daprd.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealDaprdFactAttribute : FactAttribute
{
    public RealDaprdFactAttribute() => Skip = RealDaprd.SkipReason;
}

/// <summary>
/// <see cref="BindingRules"/> against a real daprd running this repo's <c>email</c> and <c>sms</c> components. The
/// accepted email really goes out: point <c>SMTP_HOST</c> at a mail catcher (docs/dapr-and-kubernetes.md, "Checking the
/// double against a real daprd"). No SMS is sent: every SMS rule fails before Twilio is called.
/// </summary>
public sealed class RealDaprdBindingRulesTests : IDisposable
{
    private readonly DaprClient? _dapr = RealDaprd.FromEnvironment is { } daprd
        ? new DaprClientBuilder().UseGrpcEndpoint(daprd.GrpcEndpoint).UseHttpEndpoint(daprd.HttpEndpoint).UseDaprApiToken(daprd.ApiToken).Build()
        : null;

    [RealDaprdFact]
    public Task An_email_with_from_to_and_subject_is_accepted() => BindingRules.An_email_with_from_to_and_subject_is_accepted(_dapr!);

    [RealDaprdFact]
    public Task An_email_with_a_priority_outside_1_to_5_fails_with_Internal() => BindingRules.An_email_with_a_priority_outside_1_to_5_fails_with_Internal(_dapr!);

    [RealDaprdFact]
    public Task An_operation_other_than_create_fails_with_Internal() => BindingRules.An_operation_other_than_create_fails_with_Internal(_dapr!);

    [RealDaprdFact]
    public Task An_unknown_binding_fails_with_Internal() => BindingRules.An_unknown_binding_fails_with_Internal(_dapr!);

    [RealDaprdFact]
    public Task An_sms_without_toNumber_anywhere_fails_with_Internal() => BindingRules.An_sms_without_toNumber_anywhere_fails_with_Internal(_dapr!);

    public void Dispose() => _dapr?.Dispose();
}
