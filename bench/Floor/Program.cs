using System.Text.Json.Serialization;

// The floor: the cheapest JSON endpoint this machine's Kestrel serves. Same framework, same JSON stack,
// no auth and no storage, so "GET by id as % of floor" says what auth + SQLite + the document cost.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));

var app = builder.Build();
app.MapGet("/ping", () => TypedResults.Ok(new Pong("pong")));
app.Run();

internal sealed record Pong([property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(Pong))]
internal sealed partial class FloorJson : JsonSerializerContext;
