using Appointments.BuildingBlocks.State;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ErrorAnswers.AddMessage);
        builder.Services.AddExceptionHandler<ErrorAnswers>();
        builder.AddJwtAuthentication();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiDescription>());
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
            var runtime = app.Services.GetRequiredService<RuntimeAdapters>();
            app.Logger.LogInformation("Appointments is running in {Mode} mode on {Urls}; {Adapters}", runtime.Mode, string.Join(", ", app.Urls), runtime.Description);
            app.ReportKey();
        });
    }

    /// <summary>
    /// Runs the host. A configuration it cannot start with is one <c>Refusing to start:</c> line per problem on
    /// standard error and exit code 1, checked before the host starts so no stack trace precedes it.
    /// </summary>
    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        var problems = StartupProblems(app.Services);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"Refusing to start: {problem}");
            }

            return 1;
        }

        await app.RunAsync();
        return 0;
    }

    private static List<string> StartupProblems(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException)
        {
            // Options that depend on a failing option fail with its message too: say each problem once.
            var failures = ex is AggregateException many ? many.Flatten().InnerExceptions : [ex];
            if (!failures.All(f => f is OptionsValidationException))
            {
                throw;
            }

            return failures.OfType<OptionsValidationException>().SelectMany(f => f.Failures).Distinct(StringComparer.Ordinal).ToList();
        }
    }
}
