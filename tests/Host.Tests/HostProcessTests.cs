using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// The built host as real processes over real sockets: several on one SQLite file, one killed and
/// restarted, and the configurations it must refuse to start with.
/// </summary>
public sealed class HostProcessTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync();

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Two_hosts_sharing_one_SQLite_file_never_double_book()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var hosts = new[] { first, second };
        var clients = Enumerable.Range(0, 60).Select(i => hosts[i % 2].CreateClient(Patient($"racer-{i}"))).ToList();
        using var ready = new Barrier(clients.Count);

        var attempts = clients.Select((client, i) => Task.Factory.StartNew(
            async () =>
            {
                ready.SignalAndWait(TimeSpan.FromSeconds(30));
                return (await client.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-shared", Day(30, $"10:{i % 30:00}")))).StatusCode;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap());
        var results = await Task.WhenAll(attempts);

        results.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        results.Should().OnlyContain(s => s == HttpStatusCode.Created || s == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bookings_survive_the_process_being_killed_and_restarted()
    {
        var ids = new List<string>();
        await using (var host = await StartAsync())
        {
            using var client = host.CreateClient(Patient("durable"));
            for (var i = 0; i < 10; i++)
            {
                var response = await client.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-durable", Day(31, $"{8 + i:00}:00")));
                response.StatusCode.Should().Be(HttpStatusCode.Created);
                ids.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("_id").GetString()!);
            }

            host.Kill();
        }

        await using var restarted = await StartAsync();
        using var again = restarted.CreateClient(Patient("durable"));
        var list = JsonDocument.Parse(await again.GetStringAsync("/api/appointments")).RootElement;

        list.EnumerateArray().Select(a => a.GetProperty("_id").GetString()).Should().Equal(ids);
        (await again.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-durable", Day(31, "08:00")))).StatusCode
            .Should().Be(HttpStatusCode.Conflict, "the time cells survived too");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("your_jwt_secret_key")]
    [InlineData("short-key")]
    public async Task Outside_development_a_missing_placeholder_or_short_key_is_refused_in_one_line(string? key)
    {
        var environment = Environment(key);

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        var refusals = output.Split('\n').Where(line => line.Contains("Refusing to start", StringComparison.Ordinal)).ToList();
        refusals.Should().ContainSingle().Which.Should().Contain("JWT_SECRET_KEY");
    }

    [Fact]
    public async Task Outside_development_a_missing_user_service_url_is_refused_unless_the_check_is_switched_off()
    {
        var environment = Environment(FlaskTokens.Key);
        environment.Remove("USER_SERVICE_URL");

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));
        environment["UserService__Enabled"] = "false";
        await using var host = await HostProcess.StartAsync(_directory.Path, environment);

        exitCode.Should().Be(1);
        output.Should().Contain("Refusing to start").And.Contain("USER_SERVICE_URL");
        host.Output.Should().Contain("Users are NOT checked before booking");
    }

    [Fact]
    public async Task A_dot_env_file_in_the_working_directory_configures_the_host()
    {
        await File.WriteAllTextAsync(_directory.File(".env"), $"""
            # as the original service's .env
            JWT_SECRET_KEY="{FlaskTokens.Key}"
            USER_SERVICE_URL={_users.Url}
            """);
        var environment = Environment(key: null);
        environment.Remove("USER_SERVICE_URL");

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        using var client = host.CreateClient(Patient("dotenv"));

        (await client.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-dotenv", Day(32, "10:00")))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_dot_env_file_reads_as_python_dotenv_does_and_the_environment_wins_over_it()
    {
        await File.WriteAllTextAsync(_directory.File(".env"), $"""
            JWT_SECRET_KEY={FlaskTokens.Key} # an inline comment is not part of the value
            USER_SERVICE_URL=http://127.0.0.1:9/
            """);

        await using var host = await HostProcess.StartAsync(_directory.Path, Environment(key: null));
        using var client = host.CreateClient(Patient("dotenv-rules"));

        (await client.PostAsJsonAsync("/api/appointments", BookingBodies.For("dr-dotenv", Day(33, "10:00")))).StatusCode
            .Should().Be(HttpStatusCode.Created, "the token is signed with the key without its comment, and the user service is the environment's");
    }

    [Fact]
    public async Task A_booking_retried_with_its_key_after_the_host_was_killed_is_answered_from_what_was_stored()
    {
        var body = BookingBodies.For("dr-retry", Day(33, "10:00"));
        await using (var host = await StartAsync())
        {
            // The client never reads the answer: the host dies with the booking stored and its answer lost.
            using var client = host.CreateClient(Patient("retrier"));
            _ = client.SendAsync(WithKey(body, "checkout-42"));
            await Eventually.TrueAsync(
                async () => (await client.GetStringAsync("/api/appointments")).Contains("dr-retry", StringComparison.Ordinal),
                "the booking is stored");

            host.Kill();
        }

        await using var restarted = await StartAsync();
        using var again = restarted.CreateClient(Patient("retrier"));
        var retry = await again.SendAsync(WithKey(body, "checkout-42"));
        var stored = JsonDocument.Parse(await again.GetStringAsync("/api/appointments")).RootElement.EnumerateArray().ToList();

        retry.StatusCode.Should().Be(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        stored.Should().ContainSingle();
        JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.GetProperty("_id").GetString()
            .Should().Be(stored[0].GetProperty("_id").GetString());
    }

    private static HttpRequestMessage WithKey(object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private Task<HostProcess> StartAsync() => HostProcess.StartAsync(_directory.Path, Environment(FlaskTokens.Key));

    private Dictionary<string, string?> Environment(string? key)
    {
        var environment = new Dictionary<string, string?>
        {
            ["USER_SERVICE_URL"] = _users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("shared.db")}",
            ["Runtime__Mode"] = "Embedded",
        };
        if (key is not null)
        {
            environment["JWT_SECRET_KEY"] = key;
        }

        return environment;
    }

    private string Patient(string username)
    {
        _users.Users[username] = true;
        return FlaskTokens.Access(username);
    }

    // These hosts run on the real clock: book a month or so ahead of it.
    private static string Day(int days, string time) => BookingBodies.At(DateTimeOffset.UtcNow, days, time);
}
