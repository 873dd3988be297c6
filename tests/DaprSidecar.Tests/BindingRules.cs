using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>
/// The output binding rules a caller can see through the SDK (DAPR.md, "Output bindings"), shared by the double's
/// tests and the opt-in run against a real daprd with this repo's <c>email</c> and <c>sms</c> components. None
/// depends on what earlier calls left in the SMTP component, which keeps every request's fields.
/// </summary>
internal static class BindingRules
{
    public static readonly Dictionary<string, string> FullEmail = new()
    {
        ["emailFrom"] = "clinic@example.com",
        ["emailTo"] = "ana@example.com",
        ["subject"] = "Your appointment",
    };

    public static Task An_email_with_from_to_and_subject_is_accepted(DaprClient dapr) =>
        dapr.InvokeBindingAsync("email", "create", "<p>See you at 10:00</p>", FullEmail);

    public static Task An_email_with_a_priority_outside_1_to_5_fails_with_Internal(DaprClient dapr) =>
        FailsWithInternal(() => dapr.InvokeBindingAsync("email", "create", "body", new Dictionary<string, string>(FullEmail) { ["priority"] = "9" }));

    public static Task An_operation_other_than_create_fails_with_Internal(DaprClient dapr) =>
        FailsWithInternal(() => dapr.InvokeBindingAsync("email", "send", "body", FullEmail));

    public static Task An_unknown_binding_fails_with_Internal(DaprClient dapr) =>
        FailsWithInternal(() => dapr.InvokeBindingAsync("fax", "create", "body"));

    public static Task An_sms_without_toNumber_anywhere_fails_with_Internal(DaprClient dapr) =>
        FailsWithInternal(() => dapr.InvokeBindingAsync("sms", "create", "Reminder"));

    private static async Task FailsWithInternal(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<DaprException>(call);
        error.InnerException.Should().BeOfType<RpcException>().Which.StatusCode.Should().Be(StatusCode.Internal);
    }
}
