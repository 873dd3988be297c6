using Appointments.BuildingBlocks.State;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Appointments.Host;

/// <summary>What the host adds around the modules: configuration, auth, errors, OpenAPI, health, adapters.</summary>
internal static class AppointmentsHost
{
    public const string DefaultUrl = "http://localhost:5001";

    public static void AddAppointmentsHost(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["urls"] is null && builder.Configuration["http_ports"] is null && builder.Configuration["https_ports"] is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Bodies are read up to Booking:MaxBodyBytes by the API; this only stops absurd uploads early.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ErrorAnswers.AddMessage);
        builder.Services.AddExceptionHandler<ErrorAnswers>();
        builder.AddJwtAuthentication();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiDescription>());

        var mode = RuntimeModes.Resolve(builder.Configuration);
        var adapters = builder.AddRuntimeAdapters(mode);
        builder.Services.AddSingleton(new RuntimeSelection(mode, adapters));
        builder.AddStateStoreHealthCheck();
    }

    public static void UseAppointmentsHost(this WebApplication app)
    {
        // Open the store now: a bad path or unreachable store fails the start, not the first booking.
        app.Services.GetRequiredService<IStateStore>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var runtime = app.Services.GetRequiredService<RuntimeSelection>();
            app.Logger.LogInformation("Appointments is running in {Mode} mode on {Urls}; {Adapters}", runtime.Mode, string.Join(", ", app.Urls), runtime.Adapters);
            app.ReportKey();
        });
    }

    /// <summary>Runs the host; a configuration it cannot start with is one clear line and exit code 1.</summary>
    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Refusing to start: {string.Join(" ", ex.Failures)}");
            return 1;
        }
    }
}
