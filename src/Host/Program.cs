using Appointments.Booking;
using Appointments.BuildingBlocks;
using Appointments.Host;
using Appointments.Host.Audit;
using Appointments.Notifications;

// .env read as python-dotenv reads it; variables already set win, so a deployment can always override the file.
DotNetEnv.Env.NoClobber().Load(Path.Combine(Directory.GetCurrentDirectory(), ".env"));

// Configuration is read once. Watching the content root for appsettings changes would also wake on every
// write to the SQLite file and its WAL under data/ (about 10% of booking throughput in bench/README.md).
if (Environment.GetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}

var builder = WebApplication.CreateBuilder(args);
if (TokenCommand.IsRequested(args))
{
    return TokenCommand.Run(builder, args);
}

if (AuditCommand.IsRequested(args))
{
    return await AuditCommand.RunAsync(builder.Configuration, args);
}

// Embedded by default; Dapr when asked (Runtime:Mode) or when a sidecar's address is in the environment.
if (!RuntimeModes.TryResolve(builder.Configuration, out var mode, out var problem))
{
    return await AppointmentsHost.RefuseAsync([problem]);
}

builder.AddAppointmentsHost();
var runtime = mode == RuntimeMode.Dapr ? RuntimeAdapters.AddDapr(builder) : RuntimeAdapters.AddEmbedded(builder);
builder.Services.AddSingleton(runtime);

builder.AddBookingModule(runtime.Booking);
builder.AddNotificationsModule(runtime.Notifications);
builder.Services.AddStartupReport<HostReport>();

var app = builder.Build();
app.UseAppointmentsHost();
app.MapBookingEndpoints();
app.MapNotificationEndpoints();

return await app.RunOrExplainAsync();

/// <summary>Visible to <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
