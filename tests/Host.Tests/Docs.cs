using System.Text.RegularExpressions;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>The repository's Markdown as the docs tests read it: route tables, links and marked code blocks.</summary>
internal static partial class Docs
{
    public static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, path));

    /// <summary>README.md and every page under docs/, by their paths from the repository root.</summary>
    public static IEnumerable<string> Pages() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'))
            .Prepend("README.md")
            .Order(StringComparer.Ordinal);

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

    /// <summary>
    /// The relative links of <paramref name="page"/> (<c>[text](target)</c>, <c>target#anchor</c>, <c>#anchor</c>) whose
    /// file does not exist, or whose anchor names no heading of a Markdown file.
    /// </summary>
    public static IEnumerable<string> BrokenLinks(string page)
    {
        var folder = Path.GetDirectoryName(Path.Combine(RepositoryPaths.Root, page))!;
        foreach (var target in Link().Matches(Prose(Read(page))).Select(match => match.Groups["target"].Value))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
            var path = file.Length == 0 ? Path.Combine(RepositoryPaths.Root, page) : Path.GetFullPath(Path.Combine(folder, file));
            var inRepository = path.StartsWith(RepositoryPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (!inRepository || (!File.Exists(path) && !Directory.Exists(path)))
            {
                yield return target;
            }
            else if (anchor is not null && !Anchors(File.ReadAllText(path)).Contains(anchor))
            {
                yield return target;
            }
        }
    }

    /// <summary>The fenced code blocks that follow <c>&lt;!-- quickstart: name --&gt;</c>, in order, without their fences.</summary>
    public static string MarkedBlocks(string markdown, string name)
    {
        var marker = $"<!-- quickstart: {name} -->";
        var blocks = new List<string>();
        for (var at = markdown.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = markdown.IndexOf(marker, at + 1, StringComparison.Ordinal))
        {
            var body = markdown.IndexOf('\n', markdown.IndexOf("```", at, StringComparison.Ordinal)) + 1;
            blocks.Add(markdown[body..(markdown.IndexOf("\n```", body - 1, StringComparison.Ordinal) + 1)]);
        }

        return blocks.Count > 0 ? string.Concat(blocks) : throw new InvalidOperationException($"No block marked '{marker}'.");
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        Prose(markdown).Split('\n')
            .Where(line => line.StartsWith('#'))
            .Select(line => string.Concat(line.TrimStart('#').Trim().ToLowerInvariant()
                .Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The page without its fenced code blocks, whose <c># comments</c> are not headings and whose text is not links.</summary>
    private static string Prose(string markdown) => FencedBlock().Replace(markdown, "");

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^\|\s*`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`?\s]*)")]
    private static partial Regex TableRoute();

    [GeneratedRegex(@"\{[^}/]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
