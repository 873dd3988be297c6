using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Appointments.Host;

/// <summary>
/// Development's signing key when <c>JWT_SECRET_KEY</c> is not set: a secret made of 32 random bytes (in base64) on
/// first use and kept in <c>development-signing.key</c> beside the database, used as <c>JWT_SECRET_KEY</c> would be, so each installation has its own and no key anyone
/// could read in the source signs tokens. The sample user service reads the same file (dapr.yaml points it there).
/// </summary>
internal static class DevelopmentKey
{
    public const string FileName = "development-signing.key";

    /// <summary>Beside the SQLite file (<c>data/</c> by default), whichever runtime mode stores the appointments.</summary>
    public static string PathFor(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Appointments") ?? RuntimeAdapters.DefaultConnectionString;
        string? database;
        try
        {
            database = new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        catch (ArgumentException)
        {
            database = null;
        }

        var directory = string.IsNullOrEmpty(database) ? "data" : Path.GetDirectoryName(Path.GetFullPath(database)) ?? "data";
        return Path.GetFullPath(Path.Combine(directory, FileName));
    }

    /// <summary>The key kept at <paramref name="path"/>, made there first if there is none (two processes starting at once agree on one).</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var draft = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(draft, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(draft, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(draft, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(draft);
        }

        return Read(path);
    }

    private static byte[] Read(string path) => System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
}
