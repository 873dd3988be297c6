using System.Text.RegularExpressions;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>The repository's Markdown as the docs tests read it: route tables, links and marked code blocks.</summary>
internal static partial class Docs
{
    public static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, path));

    /// <summary>
    /// Each route a Markdown table names in its first cell (<c>| `GET /api/x/{id}?q=…` | …</c>), as
    /// <see cref="Route"/> spells it, with the text of its row.
    /// </summary>
    public static List<(string Route, string Row)> RouteRows(string markdown) =>
        markdown.Split('\n')
            .Select(line => (Match: TableRoute().Match(line), Line: line))
            .Where(row => row.Match.Success)
            .Select(row => (Route(row.Match.Groups["method"].Value, row.Match.Groups["path"].Value), row.Line))
            .ToList();

    /// <summary>"GET /api/x/{}": the method and path, path parameters unnamed (<c>{id}</c> and <c>{doctor}</c> alike).</summary>
    public static string Route(string method, string path) => $"{method.ToUpperInvariant()} {Parameter().Replace(path, "{}")}";

    [GeneratedRegex(@"^\|\s*`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`?\s]*)")]
    private static partial Regex TableRoute();

    [GeneratedRegex(@"\{[^}/]*\}")]
    private static partial Regex Parameter();
}
