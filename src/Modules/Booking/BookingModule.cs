using Appointments.BuildingBlocks;
using Appointments.Booking.Api;
using Appointments.Booking.Contracts;
using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Appointments.Booking.Waitlist;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>Booking's front door: what it registers and the routes it maps.</summary>
public static class BookingModule
{
    /// <summary>
    /// Registers appointments, their rules and the user check. Expects an <c>IStateStore</c> from the host.
    /// </summary>
    public static IHostApplicationBuilder AddBookingModule(this IHostApplicationBuilder builder, BookingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;

        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations()
            .Validate(o => TryFindZone(o.TimeZone), "Booking:TimeZone must be an IANA time zone id, e.g. Europe/Berlin.")
            .ValidateOnStart();
        services.AddOptions<NoticeOptions>().BindConfiguration(NoticeOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Clinic>();
        services.AddSingleton<AppointmentDocuments>();
        services.AddSingleton<AppointmentPages>();
        services.AddSingleton<OutboxLanes>();
        services.AddSingleton<PendingDayLists>();
        services.AddSingleton<AppointmentWriter>();
        services.AddSingleton<DeliveriesRecord>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<AppointmentBook>();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<DoctorDays>();
        services.AddSingleton<Availability>();
        services.AddSingleton<FreeSlots>();
        services.AddSingleton<ClinicDirectory>();
        services.AddSingleton<AppointmentSearch>();
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<IAppointmentSchedule, AppointmentSchedule>();
        services.AddSingleton<IAppointmentEvents, AppointmentEvents>();
        services.AddOptions<WaitlistOptions>().BindConfiguration(WaitlistOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WaitlistOffers>();
        services.AddSingleton<WaitlistDesk>();
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, BookingApiJson.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, DoctorsApiJson.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, WaitlistApiJson.Default);
        });

        // Ahead of the host's default writer, which would otherwise answer /fhir with a problem document.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirProblemWriter>());
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RetentionStore>();
        services.AddSingleton<Retention>();
        services.AddHostedService(provider => provider.GetRequiredService<Retention>());

        AddUserDirectory(services, settings);
        return builder;
    }

    public static IEndpointRouteBuilder MapBookingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAppointmentsApi();
        app.MapDoctorsApi();
        app.MapClinicApi();
        app.MapFhirApi();
        app.MapWaitlistApi();
        return app;
    }

    /// <summary>Describes Booking's routes and documents in the OpenAPI document: names, meanings, formats, allowed values.</summary>
    public static OpenApiOptions AddBookingDescriptions(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddDocumentTransformer<BookingOpenApi>();
    }

    private static void AddUserDirectory(IServiceCollection services, BookingSettings settings)
    {
        services.AddOptions<UserServiceOptions>()
            .BindConfiguration(UserServiceOptions.Section)
            .PostConfigure(o => o.Url = settings.UserServiceUrl)
            .Validate(o => o.Timeout > TimeSpan.Zero, "UserService:Timeout must be positive.")
            .Validate<IHostEnvironment>(
                (o, environment) => !o.Enabled || o.Url is not null || environment.IsDevelopment(),
                "USER_SERVICE_URL is not set. Set it to the user service's base URL, or set UserService__Enabled=false to book without checking that users exist.")
            .ValidateOnStart();

        var client = services.AddHttpClient(HttpUserDirectory.ClientName, (provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<UserServiceOptions>>().Value;
            http.BaseAddress = options.Url is null ? null : WithTrailingSlash(options.Url);
            http.Timeout = settings.UserServiceResilience ? Timeout.InfiniteTimeSpan : options.Timeout;
        });
        if (settings.UserServiceResilience)
        {
            // UserService:Timeout bounds the whole check, retries included; 404 ("no such user") is an answer, not
            // a failure, so it neither retries nor counts towards opening the circuit.
            var pipeline = client.AddStandardResilienceHandler();
            services.AddOptions<HttpStandardResilienceOptions>(pipeline.PipelineName).Configure<IOptions<UserServiceOptions>>((resilience, userService) =>
            {
                var timeout = userService.Value.Timeout;
                resilience.TotalRequestTimeout.Timeout = timeout;
                resilience.AttemptTimeout.Timeout = timeout / 2;
                resilience.Retry.MaxRetryAttempts = 2;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(100);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, timeout.TotalSeconds * 2));
            });
        }

        // Roles and contacts from the user service's profile of each caller, wherever there is a user service to ask.
        services.AddOptions<ProfileOptions>().BindConfiguration(ProfileOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UserProfiles>();
        services.AddHttpContextAccessor();
        services.AddSingleton<IClaimsTransformation>(provider => AsksForProfiles(provider)
            ? ActivatorUtilities.CreateInstance<ProfileClaims>(provider)
            : new NoopClaimsTransformation());

        services.AddSingleton<IUserDirectory>(provider =>
            provider.GetRequiredService<IOptions<UserServiceOptions>>().Value is { Enabled: true, Url: not null }
                ? ActivatorUtilities.CreateInstance<HttpUserDirectory>(provider)
                : new UncheckedUserDirectory());
        services.AddStartupReport<UserCheckReport>();
    }

    /// <summary>Whether roles come from the user service's profiles: when one is configured and the token is not trusted for them.</summary>
    internal static bool AsksForProfiles(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<UserServiceOptions>>().Value is { Enabled: true, Url: not null }
        && provider.GetRequiredService<IOptions<ProfileOptions>>().Value.RoleSource == RoleSource.Profile;

    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private static bool TryFindZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
