using Appointments.Booking.Api;
using Appointments.Booking.Contracts;
using Appointments.Booking.Storage;
using Appointments.Booking.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Appointments.Booking;

/// <summary>Booking's front door: what it registers and the routes it maps.</summary>
public static class BookingModule
{
    /// <summary>
    /// Registers appointments, their rules and the user check. Expects an <c>IStateStore</c> from the host.
    /// </summary>
    public static IHostApplicationBuilder AddBookingModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations()
            .Validate(o => TryFindZone(o.TimeZone), "Booking:TimeZone must be an IANA time zone id, e.g. Europe/Berlin.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Clinic>();
        services.AddSingleton<AppointmentStore>();
        services.AddSingleton<BookingService>();
        services.AddSingleton<IAppointmentSchedule, AppointmentSchedule>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BookingApiJson.Default));

        AddUserDirectory(builder);
        return builder;
    }

    public static IEndpointRouteBuilder MapBookingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAppointmentsApi();
        return app;
    }

    private static void AddUserDirectory(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UserServiceOptions>()
            .BindConfiguration(UserServiceOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (o.Url is null && Uri.TryCreate(configuration["USER_SERVICE_URL"], UriKind.Absolute, out var url))
                {
                    o.Url = url;
                }
            })
            .Validate<IHostEnvironment>(
                (o, environment) => !o.Enabled || o.Url is not null || environment.IsDevelopment(),
                "USER_SERVICE_URL is not set. Set it to the user service's base URL, or set UserService__Enabled=false to book without checking that users exist.")
            .ValidateOnStart();

        services.AddHttpClient(HttpUserDirectory.ClientName, (provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<UserServiceOptions>>().Value;
            http.BaseAddress = options.Url is null ? null : WithTrailingSlash(options.Url);
            http.Timeout = options.Timeout;
        });
        services.AddSingleton<IUserDirectory>(provider =>
            provider.GetRequiredService<IOptions<UserServiceOptions>>().Value is { Enabled: true, Url: not null }
                ? ActivatorUtilities.CreateInstance<HttpUserDirectory>(provider)
                : new UncheckedUserDirectory());
        services.AddHostedService<UserCheckReport>();
    }

    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private static bool TryFindZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
