namespace Appointments.Host.Audit;

/// <summary>
/// <c>dotnet run --project src/Host -- audit verify [file]</c>: walks the chain from its first line and exits 1 at
/// the first line that breaks it, naming the line and why; 0 when every line holds. The file defaults to
/// <c>Audit:File</c>.
/// </summary>
internal static class AuditCommand
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "audit";

    public static async Task<int> RunAsync(IConfiguration configuration, string[] args)
    {
        if (args.Length is < 2 or > 3 || args[1] != "verify")
        {
            await Console.Error.WriteLineAsync("Usage: audit verify [file]");
            return 2;
        }

        var path = args.Length == 3 ? args[2] : configuration["Audit:File"] ?? new AuditOptions().File;
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"{path}: no such file");
            return 2;
        }

        var text = await File.ReadAllTextAsync(path);
        var lines = text.Split('\n');
        var prev = AuditChain.Genesis;
        var count = lines.Length - 1;
        for (var i = 0; i < count; i++)
        {
            var (hash, problem) = AuditChain.Check(lines[i], prev);
            if (hash is null)
            {
                await Console.Out.WriteLineAsync($"{path}: line {i + 1} breaks the chain: {problem}");
                return 1;
            }

            prev = hash;
        }

        if (lines[^1].Length > 0)
        {
            await Console.Out.WriteLineAsync($"{path}: line {count + 1} is torn (no newline: the writer stopped in the middle of it); the {count} line(s) before it hold");
            return 1;
        }

        await Console.Out.WriteLineAsync($"{path}: {count} line(s), the chain holds");
        return 0;
    }
}
