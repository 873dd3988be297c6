using Appointments.TestSupport;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Appointments.Deployment.Tests;

/// <summary>The checked-out repository and the YAML manifests in it.</summary>
internal static class Repo
{
    public static string PathOf(string relativePath) => Path.Combine(RepositoryPaths.Root, relativePath);

    /// <summary>Every YAML file this project is responsible for, relative to the root.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        YamlUnder("components", SearchOption.AllDirectories)
            .Concat(YamlUnder("deploy/k8s", SearchOption.AllDirectories))
            .Append("dapr.yaml")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The files daprd loads from a folder: its own YAML files, not its subfolders'.</summary>
    public static IReadOnlyList<Manifest> ManifestsIn(string folder) =>
        YamlUnder(folder, SearchOption.TopDirectoryOnly).SelectMany(Load).ToList();

    public static IReadOnlyList<Manifest> Load(string relativePath)
    {
        using var reader = File.OpenText(PathOf(relativePath));
        var parser = new Parser(reader);
        var deserializer = new DeserializerBuilder().Build();
        var manifests = new List<Manifest>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null)
            {
                manifests.Add(new Manifest(relativePath, new Node(document)));
            }
        }

        return manifests;
    }

    private static IEnumerable<string> YamlUnder(string folder, SearchOption option) =>
        Directory.EnumerateFiles(PathOf(folder), "*.*", option)
            .Where(file => file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'));
}

internal sealed record Manifest(string File, Node Root)
{
    public string? Kind => Root["kind"].Text;

    public string? Name => Root["metadata"]["name"].Text;

    public string? Type => Root["spec"]["type"].Text;

    public override string ToString() => $"{Kind} {Name} in {File}";
}

/// <summary>Read-only view of a parsed YAML value; a missing member is an empty node.</summary>
internal sealed class Node(object? value)
{
    public Node this[string key] =>
        new(value is IDictionary<object, object?> map && map.TryGetValue(key, out var child) ? child : null);

    public bool Exists => value is not null;

    /// <summary>Scalars are kept as text, so 5001 and "5001" read the same.</summary>
    public string? Text => value as string;

    public IReadOnlyList<Node> Items =>
        value is IList<object?> list ? list.Select(item => new Node(item)).ToList() : [];

    public IReadOnlyDictionary<string, Node> Members =>
        value is IDictionary<object, object?> map
            ? map.ToDictionary(pair => pair.Key.ToString()!, pair => new Node(pair.Value), StringComparer.Ordinal)
            : new Dictionary<string, Node>();
}
