using System.Net;
using Microsoft.AspNetCore.Http;

namespace Appointments.Tests.DaprSidecar.Tests;

public sealed class CronTriggerTests : SidecarTest
{
    [Fact]
    public async Task The_cron_trigger_posts_an_empty_body_with_timeZone_and_readTimeUTC_to_the_component_route()
    {
        await using var app = await RecordingApp.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        Sidecar.AppUrl = app.Url;

        using var response = await Sidecar.TriggerCronAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = app.Requests.Should().ContainSingle().Subject;
        received.Method.Should().Be("POST");
        received.PathAndQuery.Should().Be("/reminder-cron");
        received.Body.Should().BeEmpty();
        received.Headers["timeZone"].Should().NotBeEmpty();
        received.Headers["readTimeUTC"].Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC$");
    }

    [Fact]
    public async Task The_app_answer_is_returned_as_is()
    {
        await using var app = await RecordingApp.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        Sidecar.AppUrl = app.Url;

        using var response = await Sidecar.TriggerCronAsync("other-cron");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        app.Requests.Should().ContainSingle().Which.PathAndQuery.Should().Be("/other-cron");
    }
}
