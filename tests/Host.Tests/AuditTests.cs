using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>The audit log as a clinic's auditor reads it: one line per access and per refusal, no contact data.</summary>
public abstract class AuditTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task Every_access_and_every_refusal_is_one_line_naming_who_what_and_how_it_ended()
    {
        var patient = App.NewPatient(out var name);
        var doctor = NewDoctor();
        var body = Booking(doctor, "2031-04-02 10:00:00");
        body["email"] = "secret-contact@example.com";
        body["phone"] = "+15555550177";
        var id = await BookOk(patient, body);
        await Get(patient, id);
        await List(patient);
        (await patient.PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = "mail me at secret-contact@example.com" })).EnsureSuccessStatusCode();
        var stranger = App.NewPatient(out var strangerName);
        await stranger.GetAsync($"/api/appointments/{id}");
        await App.Client().GetAsync($"/api/appointments/{id}");
        await Doctor(doctor).GetAsync($"/api/doctors/{doctor}/appointments?date=2031-04-02");
        await App.Client(App.Token(name)).GetAsync($"/fhir/Appointment/{id}");

        List<string> lines = [];
        await Eventually.TrueAsync(
            async () => (lines = (await LinesAsync()).Where(l => l.Contains(id, StringComparison.Ordinal) || l.Contains(doctor, StringComparison.Ordinal)).ToList()).Count >= 7,
            "the lines are written");

        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).Select(e => (
            Actor: e.GetProperty("actor").GetString(), Role: e.GetProperty("role").GetString(), Action: e.GetProperty("action").GetString(),
            Resource: e.GetProperty("resource").GetString(), Outcome: e.GetProperty("outcome").GetInt32())).ToList();
        entries.Should().ContainInOrder(
            (name, "patient", "create", id, 201),
            (name, "patient", "read", id, 200),
            (name, "patient", "cancel", id, 200),
            (strangerName, "patient", "read", id, 404),
            (null, null, "read", id, 401),
            (doctor, "doctor", "agenda", doctor, 200),
            (name, "patient", "read", id, 200));
        lines.Should().OnlyContain(l => l.Contains("\"client\":", StringComparison.Ordinal) && l.Contains("\"prev\":", StringComparison.Ordinal) && l.Contains("\"hash\":", StringComparison.Ordinal));
        lines.Should().OnlyContain(l => Regex.IsMatch(l, "^\\{\"at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z\","), "each line starts with its UTC time to the tick");
        (await LinesAsync()).Should().Contain(l => l.Contains("\"action\":\"list\"", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal));
        string.Concat(await LinesAsync()).Should().NotContain("secret-contact").And.NotContain("5555550177");
    }

    [Fact]
    public async Task Whatever_a_client_puts_where_an_id_goes_is_not_written_down()
    {
        var patient = App.NewPatient(out var name);

        (await patient.GetAsync("/api/appointments/leaked@example.com")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        string? line = null;
        await Eventually.TrueAsync(async () => (line = (await LinesAsync()).LastOrDefault(l => l.Contains(name, StringComparison.Ordinal))) is not null, "the line");
        line.Should().Contain("(not an id)").And.NotContain("leaked");
    }

    private async Task<List<string>> LinesAsync()
    {
        if (!File.Exists(App.AuditFile))
        {
            return [];
        }

        await using var file = new FileStream(App.AuditFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}

public sealed class EmbeddedAuditTests(EmbeddedApp app) : AuditTests<EmbeddedApp>(app);

public sealed class DaprAuditTests(DaprApp app) : AuditTests<DaprApp>(app);

/// <summary>The chain kept by a real process: verified, tampered with, crashed mid-line, stopped cleanly.</summary>
public sealed class AuditChainProcessTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    private string AuditFile => _directory.File("audit.jsonl");

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync("auditor");

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_clean_stop_writes_every_line_and_the_chain_verifies()
    {
        var answered = 0;
        await using (var host = await HostProcess.StartAsync(_directory.Path, Environment()))
        {
            using var client = host.CreateClient(FlaskTokens.Access("auditor"));
            (await client.GetAsync("/api/appointments")).EnsureSuccessStatusCode();
            var reads = Enumerable.Range(0, 400).Select(async _ =>
            {
                try
                {
                    using var response = await client.GetAsync("/api/appointments");
                    Interlocked.Add(ref answered, response.IsSuccessStatusCode ? 1 : 0);
                }
                catch (HttpRequestException)
                {
                    // Refused once the host stopped listening: not answered, so not audited either.
                }
            }).ToList();
            await Eventually.TrueAsync(() => Volatile.Read(ref answered) >= 20, "some reads answered");
            await host.StopAsync();
            await Task.WhenAll(reads);
        }

        (await File.ReadAllLinesAsync(AuditFile)).Count(l => l.Contains("\"action\":\"list\"", StringComparison.Ordinal) && l.Contains("\"outcome\":200", StringComparison.Ordinal))
            .Should().Be(answered + 1, "every answered read is in the log, the ones answered during the stop too");
        var (exitCode, output) = await VerifyAsync();
        exitCode.Should().Be(0, output);
        output.Should().Contain("the chain holds");
    }

    [Theory]
    [InlineData("altered")]
    [InlineData("removed")]
    [InlineData("swapped")]
    public async Task Tampering_with_one_line_makes_audit_verify_name_it_and_exit_1(string how)
    {
        await WriteLinesAsync(6);
        var lines = (await File.ReadAllLinesAsync(AuditFile)).ToList();
        switch (how)
        {
            case "altered":
                lines[2] = lines[2].Replace("\"outcome\":200", "\"outcome\":404", StringComparison.Ordinal);
                break;
            case "removed":
                lines.RemoveAt(2);
                break;
            default:
                (lines[2], lines[3]) = (lines[3], lines[2]);
                break;
        }

        await File.WriteAllTextAsync(AuditFile, string.Join('\n', lines) + "\n");

        var (exitCode, output) = await VerifyAsync();
        exitCode.Should().Be(1, output);
        output.Should().Contain("line 3 breaks the chain");
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_line_leaves_a_prefix_that_verifies_and_the_next_start_goes_on_from_it()
    {
        await WriteLinesAsync(4);
        var whole = await File.ReadAllTextAsync(AuditFile);
        await File.WriteAllTextAsync(AuditFile, whole + whole.Split('\n')[0][..40]);

        var (tornExit, tornOutput) = await VerifyAsync();
        await WriteLinesAsync(2);
        var (exitCode, output) = await VerifyAsync();

        tornExit.Should().Be(1);
        tornOutput.Should().Contain("line 5 is torn").And.Contain("the 4 line(s) before it hold");
        exitCode.Should().Be(0, output);
        (await File.ReadAllLinesAsync(AuditFile)).Should().HaveCount(6);
    }

    /// <summary>Starts the host on the audit file, makes <paramref name="count"/> reads, and kills it.</summary>
    private async Task WriteLinesAsync(int count)
    {
        var before = File.Exists(AuditFile) ? (await File.ReadAllTextAsync(AuditFile)).Count(c => c == '\n') : 0;
        await using var host = await HostProcess.StartAsync(_directory.Path, Environment());
        using var client = host.CreateClient(FlaskTokens.Access("auditor"));
        for (var i = 0; i < count; i++)
        {
            (await client.GetAsync("/api/appointments")).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(() => ReadShared().Count(c => c == '\n') >= before + count, "the lines are flushed");
        host.Kill();
    }

    private string ReadShared()
    {
        using var file = new FileStream(AuditFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return reader.ReadToEnd();
    }

    private Task<(int ExitCode, string Output)> VerifyAsync() =>
        HostProcess.RunToExitAsync(_directory.Path, Environment(), TimeSpan.FromSeconds(60), "audit", "verify", AuditFile);

    private Dictionary<string, string?> Environment() => new()
    {
        ["JWT_SECRET_KEY"] = FlaskTokens.Key,
        ["USER_SERVICE_URL"] = _users.Url.ToString(),
        ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("audit.db")}",
        ["Runtime__Mode"] = "Embedded",
        ["Audit__File"] = AuditFile,
    };
}
