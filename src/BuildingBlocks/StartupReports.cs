using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Appointments.BuildingBlocks;

/// <summary>Something a part of the service says once at start-up: how it is set up, and what is switched off.</summary>
public interface IStartupReport
{
    void Report();
}

/// <summary>The one way to say something once at start-up: every report, in the order registered, once the host has started.</summary>
public static class StartupReports
{
    public static IServiceCollection AddStartupReport<TReport>(this IServiceCollection services)
        where TReport : class, IStartupReport
    {
        services.AddSingleton<IStartupReport, TReport>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Reporter>());
        return services;
    }

    private sealed class Reporter(IHostApplicationLifetime lifetime, IEnumerable<IStartupReport> reports) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Once the server listens, so a report may name its addresses.
            lifetime.ApplicationStarted.Register(() =>
            {
                foreach (var report in reports)
                {
                    report.Report();
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
