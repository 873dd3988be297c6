using System.Globalization;
using System.Text.RegularExpressions;

namespace Appointments.Deployment.Tests;

/// <summary>Go's duration strings as Dapr reads them from YAML: <c>800ms</c>, <c>5s</c>, <c>1m30s</c>.</summary>
internal static partial class GoDuration
{
    public static TimeSpan Parse(string? text)
    {
        var parts = Part().Matches(text ?? "");
        if (parts.Count == 0 || string.Concat(parts.Select(part => part.Value)) != text)
        {
            throw new FormatException($"Not a Go duration: '{text}'");
        }

        return parts.Aggregate(TimeSpan.Zero, (sum, part) =>
        {
            var value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            return sum + part.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        });
    }

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?)(?<unit>ms|s|m|h)")]
    private static partial Regex Part();
}
