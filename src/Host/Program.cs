using Appointments.Booking;
using Appointments.Host;
using Appointments.Notifications;

DotEnv.Load(Path.Combine(Directory.GetCurrentDirectory(), ".env"));

var builder = WebApplication.CreateBuilder(args);
if (TokenCommand.IsRequested(args))
{
    return TokenCommand.Run(builder, args);
}

builder.AddAppointmentsHost();
builder.AddBookingModule();
builder.AddNotificationsModule();

var app = builder.Build();
app.UseAppointmentsHost();
app.MapBookingEndpoints();
app.MapNotificationEndpoints();

return await app.RunOrExplainAsync();

/// <summary>Visible to <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
