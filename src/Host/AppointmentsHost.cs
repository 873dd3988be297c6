using Appointments.Booking;
using Appointments.BuildingBlocks.State;
using Appointments.Host.Audit;
using Appointments.Host.BookingPage;
using Microsoft.AspNetCore.Authentication;
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
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiDescription>().AddBookingDescriptions());
        builder.AddStateStoreHealthCheck();
        builder.AddCallerRateLimits();
        builder.AddBrowserOrigins();
        builder.AddTelemetry();
        builder.AddBookingPage();
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.File), "Audit:File must name a file, or be - for standard output.").ValidateOnStart();
        builder.Services.AddSingleton<AuditLog>();
    }

    public static void UseAppointmentsHost(this WebApplication app)
    {
        // Outermost: it records the status the client got, whoever answered.
        app.UseMiddleware<AuditTrail>();
        app.Use(NoStore);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBookingPage();

        // Before authentication: a preflight carries no token.
        app.UseBrowserOrigins();
        app.UseAuthentication();
        app.Use(ChallengeTheSignedOut);

        // After authentication, which names the caller the limits are kept per.
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }

    /// <summary>Answers about patients are never kept by a browser or a proxy, errors included (set as the answer starts).</summary>
    private static Task NoStore(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/fhir"))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        }

        return next(context);
    }

    /// <summary>
    /// A token that passed but whose user the user service does not have leaves the caller signed out (their
    /// <c>sub</c> kept for the rate limits and the audit log). Authentication still counts as succeeded, which
    /// authorization would answer with 403; a caller who is not signed in is challenged: 401.
    /// </summary>
    private static Task ChallengeTheSignedOut(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated != true && context.Features.Get<IAuthenticateResultFeature>() is not null)
        {
            context.Features.Set<IAuthenticateResultFeature>(null);
        }

        return next(context);
    }

    /// <summary>
    /// Runs the host. A configuration it cannot start with, a state store it cannot open or an address it cannot
    /// listen on is one <c>Refusing to start:</c> line per problem on standard error and exit code 1, before any
    /// request is served and without a stack trace.
    /// </summary>
    public static async Task<int> RunOrExplainAsync(this WebApplication app)
    {
        var runtime = app.Services.GetRequiredService<RuntimeAdapters>();
        var problems = StartupProblems(app.Services, runtime);
        if (problems.Count > 0)
        {
            return await RefuseAsync(problems);
        }

        try
        {
            await app.StartAsync();
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or HostAbortedException))
        {
            return await RefuseAsync([ex.Message]);
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>One <c>Refusing to start:</c> line per problem on standard error; the exit code to return.</summary>
    public static async Task<int> RefuseAsync(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"Refusing to start: {problem.ReplaceLineEndings(" ")}");
        }

        return 1;
    }

    private static List<string> StartupProblems(IServiceProvider services, RuntimeAdapters runtime)
    {
        var problems = new List<string>();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException or InvalidOperationException)
        {
            // Options that fail validation all at once; a value that cannot be converted (InvalidOperationException
            // from the binder) one at a time. Options that depend on a failing option fail with its message too.
            var failures = ex is AggregateException many ? many.Flatten().InnerExceptions : [ex];
            problems.AddRange(failures.SelectMany(f => f is OptionsValidationException invalid ? invalid.Failures : [f.Message]));
        }

        // Open the store now: a bad path or an unreachable store fails the start, not the first booking.
        try
        {
            services.GetRequiredService<IStateStore>();
        }
        catch (Exception ex)
        {
            problems.Add($"the state store ({runtime.State}) cannot be opened: {ex.Message}");
        }

        return problems.Distinct(StringComparer.Ordinal).ToList();
    }
}
