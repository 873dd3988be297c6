using System.Reflection;
using System.Text.RegularExpressions;
using Appointments.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Appointments.Host.Tests;

/// <summary>
/// Every configuration key the service binds or reads, found in the code rather than listed by hand: the properties of
/// options classes bound to a <c>Section</c>, properties named with <see cref="ConfigurationKeyNameAttribute"/>, and the
/// keys the source reads directly (<c>configuration["X"]</c>, <c>GetConnectionString("X")</c>).
/// </summary>
internal static partial class SettingKeys
{
    private static readonly string[] Assemblies = ["Appointments.Host", "Appointments.Booking", "Appointments.Notifications", "Appointments.BuildingBlocks"];

    /// <summary>Bound where no <c>Section</c> constant names it (<c>SqliteStorage</c> binds <c>Storage</c>).</summary>
    private static readonly string[] BoundElsewhere = ["Storage:Synchronous"];

    /// <summary>
    /// Bound with their section but always overwritten by the host (<c>Jwt:SecretKey</c> from <c>JWT_SECRET_KEY</c>,
    /// <c>Jwt:DevelopmentKeyFile</c> beside the database): setting them does nothing, so the docs must not offer them.
    /// </summary>
    private static readonly string[] FilledByTheHost = ["Jwt:SecretKey", "Jwt:DevelopmentKeyFile"];

    public static IEnumerable<string> All() =>
        Bound().Concat(ReadBySource()).Concat(BoundElsewhere).Except(FilledByTheHost, StringComparer.Ordinal)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static IEnumerable<string> Bound()
    {
        foreach (var type in Assemblies.SelectMany(name => Assembly.Load(name).GetTypes()))
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field ? field.GetRawConstantValue() as string : null;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                if (property.GetCustomAttribute<ConfigurationKeyNameAttribute>() is { } named)
                {
                    yield return named.Name;
                }
                else if (section is not null)
                {
                    yield return $"{section}:{property.Name}";
                }
            }
        }
    }

    private static IEnumerable<string> ReadBySource() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => Read().Matches(File.ReadAllText(file)))
            .Select(match => match.Groups["connection"].Success ? $"ConnectionStrings:{match.Groups["connection"].Value}" : match.Groups["key"].Value);

    [GeneratedRegex(@"onfiguration\[""(?<key>[^""{]+)""\]|GetConnectionString\(""(?<connection>[^""]+)""\)")]
    private static partial Regex Read();
}
