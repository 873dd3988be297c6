// The user service as the bench needs it: every user exists. A bare minimal-API app, so the user check costs
// the booking what a real HTTP round trip to a fast local service costs, and no more.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/api/auth/user/{username}", () => TypedResults.Ok());
app.Run();
