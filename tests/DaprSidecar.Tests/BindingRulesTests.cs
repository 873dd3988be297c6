using System.Text;
using Appointments.TestSupport;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar.Tests;

/// <summary>The email (<c>bindings.smtp</c>) and sms (<c>bindings.twilio.sms</c>) output bindings, through the real SDK.</summary>
public sealed class BindingRulesTests : SidecarTest
{
    private static readonly Dictionary<string, string> FullEmail = BindingRules.FullEmail;

    [Fact]
    public async Task An_email_with_from_to_and_subject_is_accepted_and_recorded_with_a_JSON_string_body_unquoted()
    {
        await BindingRules.An_email_with_from_to_and_subject_is_accepted(Dapr);

        var call = Sidecar.BindingCalls.Should().ContainSingle().Subject;
        call.Name.Should().Be("email");
        call.Operation.Should().Be("create");
        call.Metadata.Should().Contain("emailTo", "ana@example.com");
        Encoding.UTF8.GetString(call.Data).Should().StartWith("\"", "the SDK sends JSON");
        call.SentText.Should().Be("<p>See you at 10:00</p>");
    }

    [Theory]
    [InlineData("emailFrom")]
    [InlineData("emailTo")]
    [InlineData("subject")]
    public async Task An_email_missing_a_required_field_fails_with_Internal_and_is_not_recorded(string field)
    {
        var metadata = new Dictionary<string, string>(FullEmail);
        metadata.Remove(field);

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.InvokeBindingAsync("email", "create", "body", metadata));

        StatusOf(error).Should().Be(StatusCode.Internal);
        Sidecar.BindingCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task Email_fields_may_come_from_the_component_and_an_empty_request_value_does_not_override_them()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            Bindings = new Dictionary<string, BindingComponent>
            {
                ["email"] = new(BindingComponent.Smtp, new Dictionary<string, string>
                {
                    ["host"] = "smtp", ["port"] = "25", ["emailFrom"] = "clinic@example.com", ["subject"] = "Reminder",
                }),
            },
        });
        using var dapr = sidecar.CreateDaprClient();

        await dapr.InvokeBindingAsync("email", "create", "body", new Dictionary<string, string> { ["emailTo"] = "ana@example.com", ["subject"] = "" });

        sidecar.BindingCalls.Should().ContainSingle();
    }

    [Fact]
    public async Task A_request_field_sticks_to_the_email_component_and_goes_with_later_emails_even_those_that_set_it_empty()
    {
        await Dapr.InvokeBindingAsync("email", "create", "first", new Dictionary<string, string>(FullEmail) { ["emailCC"] = "ana.sister@example.com" });
        await Dapr.InvokeBindingAsync("email", "create", "second", new Dictionary<string, string> { ["emailTo"] = "bob@example.com", ["emailCC"] = "" });

        var second = Sidecar.BindingCalls[1];
        second.Used.Should().Contain("emailTo", "bob@example.com")
            .And.Contain("emailCC", "ana.sister@example.com")
            .And.Contain("subject", "Your appointment");
    }

    [Fact]
    public async Task Fields_merged_before_a_bad_priority_stay_in_the_email_component()
    {
        var failed = () => Dapr.InvokeBindingAsync("email", "create", "first", new Dictionary<string, string>(FullEmail) { ["emailTo"] = "ana@example.com", ["priority"] = "9" });
        await failed.Should().ThrowAsync<DaprException>();

        await Dapr.InvokeBindingAsync("email", "create", "second", new Dictionary<string, string> { ["emailFrom"] = "clinic@example.com", ["subject"] = "Hello" });

        Sidecar.BindingCalls.Should().ContainSingle().Which.Used.Should().Contain("emailTo", "ana@example.com");
    }

    [Fact]
    public async Task Two_emails_sent_at_once_cross_one_goes_to_the_other_requests_recipient_with_its_subject()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { BindingSendTime = TimeSpan.FromMilliseconds(300) });
        using var dapr = sidecar.CreateDaprClient();

        await Task.WhenAll(
            dapr.InvokeBindingAsync("email", "create", "<p>Ana, your appointment is confirmed</p>",
                new Dictionary<string, string>(FullEmail) { ["emailTo"] = "ana@example.com", ["subject"] = "Confirmed" }),
            dapr.InvokeBindingAsync("email", "create", "<p>Bob, your appointment is cancelled</p>",
                new Dictionary<string, string>(FullEmail) { ["emailTo"] = "bob@example.com", ["subject"] = "Cancelled" }));

        // Both merges land in the component's one struct before either message is composed from it.
        sidecar.BindingCalls.Should().HaveCount(2).And.Contain(call =>
            call.Used["emailTo"] != call.Metadata["emailTo"] && call.Used["subject"] != call.Metadata["subject"]);
        sidecar.BindingCalls.Select(call => call.Used["emailTo"]).Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task An_email_whose_caller_gave_up_mid_send_still_goes_out()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions { BindingSendTime = TimeSpan.FromMilliseconds(500) });
        using var dapr = sidecar.CreateDaprClient();
        using var giveUp = new CancellationTokenSource();

        var send = dapr.InvokeBindingAsync("email", "create", "body", FullEmail, giveUp.Token);
        await Eventually.TrueAsync(() => sidecar.BindingCallsInProgress == 1, "the send started");
        await giveUp.CancelAsync();

        await send.Invoking(async s => await s).Should().ThrowAsync<OperationCanceledException>();
        await Eventually.TrueAsync(() => sidecar.BindingCalls.Count == 1, "the component finishes the send: it ignores its context");
    }

    [Fact]
    public async Task An_email_with_a_priority_outside_1_to_5_fails_with_Internal_and_is_not_recorded()
    {
        await BindingRules.An_email_with_a_priority_outside_1_to_5_fails_with_Internal(Dapr);

        Sidecar.BindingCalls.Should().BeEmpty();
    }

    [Fact]
    public Task An_operation_other_than_create_fails_with_Internal() => BindingRules.An_operation_other_than_create_fails_with_Internal(Dapr);

    [Fact]
    public Task An_unknown_binding_fails_with_Internal() => BindingRules.An_unknown_binding_fails_with_Internal(Dapr);

    [Fact]
    public async Task An_sms_takes_toNumber_from_the_request_when_the_component_has_none()
    {
        await Dapr.InvokeBindingAsync(new BindingRequest("sms", "create")
        {
            Data = Encoding.UTF8.GetBytes("Reminder: 10:00"),
            Metadata = { ["toNumber"] = "+15551234567" },
        });

        var call = Sidecar.BindingCalls.Should().ContainSingle().Subject;
        call.Name.Should().Be("sms");
        call.Metadata.Should().Contain("toNumber", "+15551234567");
        call.SentText.Should().Be("Reminder: 10:00");
    }

    [Fact]
    public async Task An_sms_needs_no_toNumber_in_the_request_when_the_component_has_one()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync(new DaprSidecarOptions
        {
            Bindings = new Dictionary<string, BindingComponent>
            {
                ["sms"] = new(BindingComponent.TwilioSms, new Dictionary<string, string>
                {
                    ["fromNumber"] = "+15550000000", ["accountSid"] = "AC-test", ["authToken"] = "token", ["toNumber"] = "+15559999999",
                }),
            },
        });
        using var dapr = sidecar.CreateDaprClient();

        await dapr.InvokeBindingAsync("sms", "create", "Reminder");

        sidecar.BindingCalls.Should().ContainSingle().Which.SentText.Should().Be("Reminder");
    }

    [Fact]
    public async Task An_sms_without_toNumber_anywhere_fails_with_Internal()
    {
        await BindingRules.An_sms_without_toNumber_anywhere_fails_with_Internal(Dapr);

        Sidecar.BindingCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task An_injected_failure_fails_the_given_number_of_calls_then_lets_them_through()
    {
        Sidecar.FailBinding("email", times: 1);

        var error = await Assert.ThrowsAsync<DaprException>(() => Dapr.InvokeBindingAsync("email", "create", "body", FullEmail));
        await Dapr.InvokeBindingAsync("email", "create", "body", FullEmail);

        StatusOf(error).Should().Be(StatusCode.Internal);
        Sidecar.BindingCalls.Should().ContainSingle();
    }
}
