using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Appointments.TestSupport;

/// <summary>
/// The built host as a real process on a real socket: started with <c>dotnet Appointments.Host.dll</c>,
/// configured through its environment, killed or stopped like in production.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the host and waits until it answers <c>/health/live</c>.</summary>
    public static async Task<HostProcess> StartAsync(string workingDirectory, IDictionary<string, string?> environment)
    {
        var host = Launch(workingDirectory, environment, out var url);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (host._process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {host._process.ExitCode}:\n{host.Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await host.DisposeAsync();
        throw new TimeoutException($"The host did not come up:\n{host.Output}");
    }

    /// <summary>Runs the host (with <paramref name="arguments"/>, e.g. a command) until it exits by itself (e.g. refusing its configuration).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string workingDirectory, IDictionary<string, string?> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var host = Launch(workingDirectory, environment, out _, arguments);
        using var cancel = new CancellationTokenSource(timeout);
        await host._process.WaitForExitAsync(cancel.Token);
        host._process.WaitForExit();
        return (host._process.ExitCode, host.Output);
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: a clean shutdown; waits for the exit.</summary>
    public async Task StopAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no shutdown, no flush; what survives is what was durable.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes stops a container: the host shuts down gracefully. Returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
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

    private static HostProcess Launch(string workingDirectory, IDictionary<string, string?> environment, out Uri url, params string[] arguments)
    {
        url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.HostDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";

        // Each process writes its own audit chain; hosts sharing a working directory would otherwise share one file.
        start.Environment["Audit__File"] = Path.Combine(workingDirectory, $"audit-{url.Port}.jsonl");
        foreach (var name in new[] { "JWT_SECRET_KEY", "USER_SERVICE_URL", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DAPR_GRPC_ENDPOINT", "DAPR_HTTP_ENDPOINT" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, url);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
