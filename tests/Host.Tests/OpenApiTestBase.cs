using System.Text.Json;

namespace Appointments.Host.Tests;

/// <summary>Reads the OpenAPI document the host serves, and walks its operations.</summary>
public abstract class OpenApiTestBase(EmbeddedApp app) : ApiTestBase<EmbeddedApp>(app)
{
    protected async Task<JsonElement> DocumentAsync() => JsonDocument.Parse(await App.Client().GetStringAsync("/openapi/v1.json")).RootElement;

    protected static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject().Select(method => ($"{method.Name.ToUpperInvariant()} {path.Name}", method.Value)));

    protected static JsonElement Schema(JsonElement document, string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    protected static JsonElement Parameter(JsonElement operation, string name) =>
        operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    /// <summary>Every schema in the document, nested ones included, with where it is.</summary>
    protected static IEnumerable<(string Path, JsonElement Schema)> Schemas(JsonElement node, string path = "$")
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in node.EnumerateObject().Where(m => m.Name != "example"))
            {
                if (member.Name == "schema" || member.Name == "items" || member.Name == "additionalProperties")
                {
                    yield return ($"{path}.{member.Name}", member.Value);
                }

                if (member.Name == "properties" && member.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in member.Value.EnumerateObject())
                    {
                        yield return ($"{path}.properties.{property.Name}", property.Value);
                    }
                }

                foreach (var nested in Schemas(member.Value, $"{path}.{member.Name}"))
                {
                    yield return nested;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var (item, i) in node.EnumerateArray().Select((item, i) => (item, i)))
            {
                foreach (var nested in Schemas(item, $"{path}[{i}]"))
                {
                    yield return nested;
                }
            }
        }
    }

    protected static string[] Types(JsonElement schema) =>
        schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray()
        : [type.GetString()!];
}
