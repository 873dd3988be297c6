using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// The built host as real processes over real sockets: several on one SQLite file, one killed and
/// restarted, every way a start can fail, alone and together (one <c>Refusing to start:</c> line per
/// problem, exit code 1, no stack trace), and what the start-up log says.
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
    public async Task Outside_development_no_shared_key_is_needed_once_HS256_is_off_for_an_identity_providers_keys()
    {
        var environment = Environment(key: null);
        environment["Jwt__AllowSharedSecret"] = "false";
        environment["Jwt__JwksUrl"] = "http://127.0.0.1:9/jwks";

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        using var client = host.CreateClient(Patient("hs256"));

        (await client.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "HS256 is off");
    }

    [Fact]
    public async Task In_development_without_a_key_each_installation_signs_with_its_own_random_key_kept_beside_its_database()
    {
        var environment = Environment(key: null);
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment.Remove("USER_SERVICE_URL");

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        var keyFile = _directory.File("development-signing.key");
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();
        using var withItsKey = host.CreateClient(FlaskTokens.Access("dev", key: key));
        using var withTheOldConstant = host.CreateClient(FlaskTokens.Access("dev", key: "appointments-development-only-signing-key"));

        Convert.FromBase64String(key).Should().HaveCount(32);
        host.Output.Should().Contain(keyFile);
        (await withTheOldConstant.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await withItsKey.GetAsync("/api/appointments")).StatusCode.Should().Be(HttpStatusCode.OK);
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

    public static TheoryData<string[], string[]> Refusals => new()
    {
        { ["Runtime__Mode=Embeded"], ["Runtime:Mode is 'Embeded'"] },
        { ["Runtime__Mode=7"], ["Runtime:Mode is '7'"] },
        { ["JWT_SECRET_KEY=", "USER_SERVICE_URL="], ["JWT_SECRET_KEY", "USER_SERVICE_URL"] },
        { ["Booking__DefaultDuration=half an hour"], ["Booking:DefaultDuration"] },
        { ["RateLimits__WritesPerMinute=-1", "Booking__TimeZone=Mars/Olympus_Mons"], ["WritesPerMinute", "Booking:TimeZone"] },
        { ["ConnectionStrings__Appointments=Data Source={not-a-database}"], ["not-a-database.db) cannot be opened"] },
        { ["ConnectionStrings__Appointments=Data Source={directory}"], ["cannot be opened"] },
        { ["ConnectionStrings__Appointments=Data Source={not-a-database}", "JWT_SECRET_KEY="], ["not-a-database.db) cannot be opened", "JWT_SECRET_KEY"] },
        { ["ConnectionStrings__Appointments=Flavour=sqlite"], ["not a valid connection string)) cannot be opened"] },
        { ["ConnectionStrings__Appointments=Data Source={directory}/a.db;Password=hunter2"], ["a.db) cannot be opened"] },
        { ["EMAIL_PASSWORD=secret", "Notifications__Smtp__Tls=Off"], ["never sent without TLS"] },
        { ["Runtime__Mode=Dapr", "DAPR_GRPC_ENDPOINT=http://127.0.0.1:9", "DAPR_HTTP_ENDPOINT=http://127.0.0.1:9"], ["APP_API_TOKEN must be set in Dapr mode"] },
        { ["Runtime__Mode=Dapr", "DAPR_GRPC_ENDPOINT=http://127.0.0.1:9", "APP_API_TOKEN=", "JWT_SECRET_KEY="], ["APP_API_TOKEN", "JWT_SECRET_KEY"] },
        { ["JWT_SECRET_KEY=", "Jwt__AllowSharedSecret=false"], ["Jwt:AllowSharedSecret is false but neither Jwt:JwksUrl nor Jwt:Authority"] },
        { ["Jwt__MaxLifetime=00:00:00"], ["Jwt:MaxLifetime"] },
    };

    /// <param name="problems">What each refusal line says, one entry per line.</param>
    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_start_that_cannot_succeed_says_each_problem_in_one_line_and_exits_1(string[] settings, string[] problems)
    {
        await File.WriteAllTextAsync(_directory.File("not-a-database.db"), "these bytes are not a SQLite database, whatever the name says");
        var environment = Environment(FlaskTokens.Key);
        foreach (var setting in settings)
        {
            var (name, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[name] = value.Replace("{not-a-database}", _directory.File("not-a-database.db"), StringComparison.Ordinal)
                .Replace("{directory}", _directory.Path, StringComparison.Ordinal);
        }

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1, output);
        var refusals = output.Split('\n').Where(line => line.StartsWith("Refusing to start: ", StringComparison.Ordinal)).ToList();
        refusals.Should().HaveCount(problems.Length, output);
        foreach (var problem in problems)
        {
            refusals.Should().Contain(line => line.Contains(problem, StringComparison.Ordinal), output);
        }

        output.Should().NotContain("   at ", "no stack trace").And.NotContain("Unhandled exception").And.NotContain("hunter2");
    }

    [Fact]
    public async Task An_address_already_in_use_is_refused_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var environment = Environment(FlaskTokens.Key);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1, output);
        output.Split('\n').Should().ContainSingle(line => line.StartsWith("Refusing to start: ", StringComparison.Ordinal) && line.Contains("address already in use"), output);
    }

    [Fact]
    public async Task In_development_without_a_user_service_or_credentials_start_up_claims_no_user_checks_and_no_sends()
    {
        var environment = Environment(FlaskTokens.Key);
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment.Remove("USER_SERVICE_URL");

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        await Eventually.TrueAsync(() => host.Output.Contains("Appointments is running", StringComparison.Ordinal), "the start-up line is written");

        host.Output.Should().Contain("Users are NOT checked before booking")
            .And.Contain("Email reminders are written to the log, not sent")
            .And.Contain("SMS reminders are written to the log, not sent")
            .And.Contain("telemetry: off")
            .And.NotContain("sent by SMTP").And.NotContain("Twilio's REST API").And.NotContain("users: HTTP");
    }

    [Fact]
    public async Task In_development_Dapr_mode_starts_without_an_app_token()
    {
        var environment = Environment(FlaskTokens.Key);
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["Runtime__Mode"] = "Dapr";
        environment["DAPR_GRPC_ENDPOINT"] = "http://127.0.0.1:9";
        environment["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:9";

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);

        await Eventually.TrueAsync(() => host.Output.Contains("Appointments is running in Dapr mode", StringComparison.Ordinal), "the start-up line is written");
    }

    [Fact]
    public async Task In_production_with_credentials_start_up_says_where_reminders_go_and_how_email_is_secured()
    {
        var environment = Environment(FlaskTokens.Key);
        environment["EMAIL_ADDRESS"] = "clinic@example.com";
        environment["SMTP_HOST"] = "smtp.example.com";
        environment["TWILIO_ACCOUNT_SID"] = "AC123";
        environment["TWILIO_AUTH_TOKEN"] = "token";
        environment["TWILIO_PHONE_NUMBER"] = "+15555550999";
        environment["ConnectionStrings__Appointments"] = "Data Source=relative/appointments.db";
        environment["USER_SERVICE_URL"] = new UriBuilder(_users.Url) { UserName = "checker", Password = "s3cr3t" }.Uri.ToString();

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        await Eventually.TrueAsync(() => host.Output.Contains("Appointments is running", StringComparison.Ordinal), "the start-up line is written");

        host.Output.Should().Contain("Email reminders are sent by SMTP to smtp.example.com:587, STARTTLS required")
            .And.Contain("SMS reminders are sent by Twilio's REST API")
            .And.Contain($"Users are checked at {_users.Url}")
            .And.Contain($"SQLite database {Path.Combine(_directory.Path, "relative", "appointments.db")}")
            .And.NotContain("s3cr3t", "URLs are logged without credentials");
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
        _users.Add(username);
        return FlaskTokens.Access(username);
    }

    // These hosts run on the real clock: book a month or so ahead of it.
    private static string Day(int days, string time) => BookingBodies.At(DateTimeOffset.UtcNow, days, time);
}
