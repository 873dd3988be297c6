using Appointments.BuildingBlocks;
using Appointments.BuildingBlocks.State;
using Appointments.Notifications;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Appointments.Host;

/// <summary>
/// OpenTelemetry, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other
/// standard <c>OTEL_*</c> variables too) and not even collected otherwise. Traces: requests, outgoing HTTP (user
/// service, Twilio, the Dapr sidecar), state store calls, reminder scans. Metrics: request durations (ASP.NET
/// Core's <c>http.server.request.duration</c>), outgoing HTTP, the reminder counters.
/// </summary>
internal static class Telemetry
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("appointments"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(TracedStateStore.ActivitySourceName, NotificationsModule.TelemetryName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(NotificationsModule.TelemetryName))
            .UseOtlpExporter();
    }

    /// <summary>What the start-up line says about telemetry.</summary>
    public static string Describe(IConfiguration configuration) =>
        configuration[EndpointVariable] is { } endpoint && !string.IsNullOrWhiteSpace(endpoint)
            ? $"telemetry: OTLP to {LogSafe.Url(endpoint)}"
            : $"telemetry: off ({EndpointVariable} not set)";
}
