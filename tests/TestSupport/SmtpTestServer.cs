using System.Diagnostics;
using System.Text;
using MimeKit;

namespace Appointments.TestSupport;

/// <summary>
/// A real SMTP server: smtp_server.py (aiosmtpd) under Debian's /usr/bin/python3 on a free loopback port, saving
/// every accepted message for the test to read.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors;

    private SmtpTestServer(Process process, StringBuilder errors, int port, string directory)
    {
        _process = process;
        _errors = errors;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public static async Task<SmtpTestServer> StartAsync(bool rejectRecipients = false)
    {
        var port = HostProcess.FreePort();
        var directory = Path.Combine(Path.GetTempPath(), "appointments-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smtp_server.py"));
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (rejectRecipients)
        {
            start.ArgumentList.Add("--reject-recipients");
        }

        var errors = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var server = new SmtpTestServer(process, errors, port, directory);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != $"ready {port}")
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"SMTP test server did not start: '{ready}' {server.Errors}");
        }

        return server;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public IReadOnlyList<MimeMessage> Messages() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.eml").Select(file => MimeMessage.Load(file)).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
