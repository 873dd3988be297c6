namespace Appointments.TestSupport;

public static class RepositoryPaths
{
    /// <summary>The folder holding Appointments.sln, found from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The host built with the tests (same configuration), to run as a real process.</summary>
    public static string HostDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(Root, "src", "Host", "bin", configuration, "net10.0", "Appointments.Host.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Host first.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appointments.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Appointments.sln not found above " + AppContext.BaseDirectory);
    }
}
