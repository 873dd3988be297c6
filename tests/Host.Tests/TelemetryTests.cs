using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Appointments.BuildingBlocks.State;
using Appointments.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Appointments.Host.Tests;

/// <summary>Spans for requests and the state store calls they make; OTLP export only when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public sealed class TelemetryTests(EmbeddedApp app) : ApiTestBase<EmbeddedApp>(app)
{
    [Fact]
    public async Task A_booking_is_one_trace_of_its_request_the_user_check_and_the_state_store_calls()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http" or TracedStateStore.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var client = App.NewPatient(out _);

        // Other test classes run at the same time and make spans too: this booking's trace is the one it starts.
        var trace = ActivityTraceId.CreateRandom();
        var booking = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = System.Net.Http.Json.JsonContent.Create(Booking(NewDoctor())) };
        booking.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var response = await client.SendAsync(booking);
        var id = (await Json(response)).GetProperty("_id").GetString()!;

        var mine = spans.Where(s => s.TraceId == trace).ToList();
        mine.Should().Contain(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server, "the request span starts the trace");
        mine.Should().Contain(s => s.Source.Name == TracedStateStore.ActivitySourceName && s.OperationName == "state transaction", "the booking's transaction is in it");
        mine.Should().Contain(s => s.Source.Name == "System.Net.Http", "the user check is part of the trace");
        spans.Where(s => s.Source.Name == TracedStateStore.ActivitySourceName).SelectMany(s => s.Tags).Should().NotContain(tag => tag.Value!.Contains(id),
            "spans carry counts, not keys");
    }

    [Fact]
    public void Without_OTEL_EXPORTER_OTLP_ENDPOINT_no_telemetry_is_collected()
    {
        App.Services.GetService<TracerProvider>().Should().BeNull();
        App.Services.GetService<OpenTelemetry.Metrics.MeterProvider>().Should().BeNull();
    }

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_traces_and_request_durations_are_exported_over_OTLP()
    {
        await using var collector = await OtlpCollector.StartAsync();
        using var directory = new TempDirectory();
        await using var users = await UserServiceStub.StartAsync("otel");
        var environment = new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={directory.File("appointments.db")}",
            ["Runtime__Mode"] = "Embedded",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        await using var host = await HostProcess.StartAsync(directory.Path, environment);
        using var client = host.CreateClient(FlaskTokens.Access("otel"));

        var booked = await client.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-otel", BookingBodies.At(DateTimeOffset.UtcNow, 30, "10:00")));
        booked.StatusCode.Should().Be(HttpStatusCode.Created);

        await Eventually.TrueAsync(() => collector.Received("/v1/traces", "state transaction"), "the booking's spans reach the collector");
        await Eventually.TrueAsync(() => collector.Received("/v1/metrics", "http.server.request.duration"), "request durations reach the collector");
        host.Output.Should().Contain($"telemetry: OTLP to {collector.Url}");
    }

    /// <summary>An OTLP/HTTP receiver that keeps what it is sent, by path; protobuf keeps names as plain UTF-8.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector._received.Enqueue((request.Path, body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return collector;
        }

        public bool Received(string path, string name) =>
            _received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(name)) >= 0);

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
