using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// The README's first booking, run as a reader would run it: its marked blocks, taken from README.md, in bash against
/// the built host in Development on the real clock, once with tokens from the host's <c>token</c> command and once
/// logged in through <c>samples/UserService</c>. Only the addresses change (free ports instead of 5001 and 5002) and
/// <c>dotnet run --project src/Host -- …</c> runs the built host instead of building it again.
/// </summary>
public sealed class QuickStartTests : IDisposable
{
    private const string SharedKey = "quick-start-test-key-of-at-least-32-bytes";

    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task The_first_booking_works_with_tokens_from_the_token_command()
    {
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        var (exitCode, output) = await RunAsync(host, userService: null, "tokens", "booking");

        ShouldHaveBookedAndCancelled(exitCode, output, host);
    }

    [Fact]
    public async Task The_first_booking_works_logged_in_through_the_sample_user_service()
    {
        await using var users = await SampleUserService.StartAsync(SharedKey);
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["JWT_SECRET_KEY"] = SharedKey,
            ["USER_SERVICE_URL"] = users.Url,
        });

        var (exitCode, output) = await RunAsync(host, users.Url, "login", "booking");

        ShouldHaveBookedAndCancelled(exitCode, output, host);
        host.Output.Should().NotContain("Users are NOT checked", "this host checks Alice with the user service");
    }

    public void Dispose() => _directory.Dispose();

    private static void ShouldHaveBookedAndCancelled(int exitCode, string output, HostProcess host)
    {
        var because = $"the quick start printed:\n{output}\nand the host logged:\n{host.Output}";
        exitCode.Should().Be(0, because);
        output.Should().Contain("Schedule saved", because)
            .And.Contain("\"start\":", because)
            .And.Contain("Appointment created successfully", because)
            .And.Contain("\"username\":\"alice\"", because)
            .And.Contain("Appointment canceled successfully", because)
            .And.Contain("{\"status\":\"cancelled\"}", because);
    }

    /// <summary>The README's blocks of these names, in order, in one bash script run where the host runs (as under <c>dotnet run</c>).</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(HostProcess host, string? userService, params string[] blocks)
    {
        var readme = Docs.Read("README.md");
        var script = string.Concat(blocks.Select(name => Docs.MarkedBlocks(readme, name)))
            .Replace("http://localhost:5001", host.Url.ToString().TrimEnd('/'), StringComparison.Ordinal);
        if (userService is not null)
        {
            script = script.Replace("http://localhost:5002", userService, StringComparison.Ordinal);
        }

        var file = _directory.File("quick-start.sh");
        await File.WriteAllTextAsync(file, $$"""
            set -euo pipefail
            # `dotnet run --project src/Host -- <args>` as dotnet run would start it, without building it again.
            dotnet() {
              if [ "${1:-} ${2:-} ${3:-} ${4:-}" = "run --project src/Host --" ]; then
                shift 4
                ASPNETCORE_ENVIRONMENT=Development command dotnet "{{RepositoryPaths.HostDll}}" "$@"
              else
                echo "the quick start ran 'dotnet $*', which this test cannot stand in for" >&2
                return 64
              fi
            }

            {{script}}
            """);

        var start = new ProcessStartInfo("bash", [file])
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in new[] { "JWT_SECRET_KEY", "USER_SERVICE_URL", "ASPNETCORE_URLS" })
        {
            start.Environment.Remove(name);
        }

        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await bash.WaitForExitAsync(timeout.Token);
        return (bash.ExitCode, await stdout + await stderr);
    }

    /// <summary><c>samples/UserService</c>, built with these tests, as a process on a free port in Development.</summary>
    private sealed class SampleUserService : IAsyncDisposable
    {
        private readonly Process _process;

        private SampleUserService(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<SampleUserService> StartAsync(string key)
        {
            var project = Path.Combine(RepositoryPaths.Root, "samples", "UserService");
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(project, "bin", configuration, "net10.0", "Appointments.Samples.UserService.dll");
            File.Exists(dll).Should().BeTrue("Host.Tests builds samples/UserService ({0})", dll);
            var url = $"http://127.0.0.1:{FreePort()}";

            // Its working directory is its project folder, as under dotnet run: that is where its users are configured.
            var start = new ProcessStartInfo("dotnet", [dll])
            {
                WorkingDirectory = project,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = url;
            start.Environment["JWT_SECRET_KEY"] = key;
            var service = new SampleUserService(Process.Start(start)!, url);
            service._process.BeginOutputReadLine();
            service._process.BeginErrorReadLine();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        return (await http.GetAsync($"{url}/api/auth/user/alice")).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                    catch (TaskCanceledException)
                    {
                        return false;
                    }
                },
                "the sample user service answers");
            return service;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
