using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Appointments.TestSupport;

namespace Appointments.Client.Tests;

/// <summary>
/// What a front-end team does with the OpenAPI document: generate a TypeScript client from the document the host
/// serves (NSwag, <c>ts/client.nswag</c>), compile it with <c>tsc --strict</c> beside a tiny booking app
/// (<c>ts/booking-flow.ts</c>), and run that app with node against the built host on a real port. The generated
/// code is never edited: a route, parameter, type, enum value or error member the document leaves out fails the
/// compile or the flow. Dates and times stay strings in the client (<c>dateTimeType: String</c>): NSwag's <c>Date</c>
/// mode sends a <c>format: date</c> query parameter as a full instant (<c>toISOString()</c>), not as the date it is.
/// </summary>
public sealed class GeneratedClientTests : IAsyncLifetime
{
    private const string Doctor = "dr-flow";
    private const int SlotMinutes = 20;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync();

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_typescript_client_generated_from_the_served_document_books_reads_and_cancels_without_edits()
    {
        var work = await TypeScriptFolderAsync();
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = _users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("client.db")}",
            ["Runtime__Mode"] = "Embedded",

            // Not UTC, so that a slot's offset is something a client must carry through.
            ["Booking__TimeZone"] = "America/New_York",
        });
        await GiveTheDoctorHoursAsync(host);
        _users.Add("flow-someone");

        var document = Path.Combine(work, "openapi.json");
        await File.WriteAllTextAsync(document, await host.CreateClient().GetStringAsync("/openapi/v1.json"));
        await RunAsync(work, "dotnet", NSwag, "run", Path.Combine(Sources, "client.nswag"), $"/variables:Document={document},Output={Path.Combine(work, "client.ts")}");
        await RunAsync(work, "node", Path.Combine(work, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json");
        var flow = await RunAsync(work, "node", Path.Combine(work, "out", "booking-flow.js"), JsonSerializer.Serialize(new
        {
            baseUrl = host.Url.ToString().TrimEnd('/'),
            doctor = Doctor,
            slotMinutes = SlotMinutes,
            patient = Token("flow-patient"),
            rival = Token("flow-rival"),
            admin = Token("flow-admin", "admin"),
            forPatient = "flow-someone",
        }));

        flow.Should().Contain("booking flow: ok");
    }

    private static string Sources => Path.Combine(RepositoryPaths.Root, "tests", "Client.Tests", "ts");

    private static string NSwag => typeof(GeneratedClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NSwag").Value!;

    private string Token(string username, string role = "patient")
    {
        _users.Add(username, role);
        return FlaskTokens.Access(username);
    }

    private async Task GiveTheDoctorHoursAsync(HostProcess host)
    {
        var weekday = new[] { new { start = "09:00", end = "12:00" } };
        using var doctor = host.CreateClient(Token(Doctor, "doctor"));
        var saved = await doctor.PutAsJsonAsync($"/api/doctors/{Doctor}/schedule", new
        {
            slot_minutes = SlotMinutes,
            weekly = new { monday = weekday, tuesday = weekday, wednesday = weekday, thursday = weekday, friday = weekday },
        });
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The test's own folder (under bin/, ignored by git) with the sources and TypeScript installed from the lock
    /// file; kept between runs, so npm runs again only when the lock file changes.
    /// </summary>
    private static async Task<string> TypeScriptFolderAsync()
    {
        var work = Path.Combine(AppContext.BaseDirectory, "generated-client");
        Directory.CreateDirectory(work);
        var lockFile = Path.Combine(work, "package-lock.json");
        var installed = File.Exists(lockFile) && File.Exists(Path.Combine(work, "node_modules", "typescript", "bin", "tsc"))
            && await File.ReadAllTextAsync(lockFile) == await File.ReadAllTextAsync(Path.Combine(Sources, "package-lock.json"));
        foreach (var file in new[] { "package.json", "package-lock.json", "tsconfig.json", "booking-flow.ts" })
        {
            File.Copy(Path.Combine(Sources, file), Path.Combine(work, file), overwrite: true);
        }

        foreach (var stale in new[] { "client.ts", "openapi.json", "out" }.Select(name => Path.Combine(work, name)))
        {
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }

            File.Delete(stale);
        }

        if (!installed)
        {
            await RunAsync(work, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
        }

        return work;
    }

    /// <summary>Runs a tool to its end; its output, or a failure that quotes it.</summary>
    private static async Task<string> RunAsync(string directory, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {StepTimeout}.");
        }

        output.Append(await stdout).Append(await stderr);
        process.ExitCode.Should().Be(0, $"{tool} {string.Join(' ', arguments.Take(2))} failed:\n{output}");
        return output.ToString();
    }
}
