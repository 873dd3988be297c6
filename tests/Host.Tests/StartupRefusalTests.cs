using System.Net;
using System.Net.Sockets;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// Every way the host can fail to start, alone and together, as a real process: one <c>Refusing to start:</c>
/// line per problem, exit code 1, no stack trace. And the start-up log tells the truth about what it does.
/// </summary>
public sealed class StartupRefusalTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync();

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
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
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    /// <param name="problems">What each refusal line says, one entry per line.</param>
    public async Task A_start_that_cannot_succeed_says_each_problem_in_one_line_and_exits_1(string[] settings, string[] problems)
    {
        await File.WriteAllTextAsync(_directory.File("not-a-database.db"), "these bytes are not a SQLite database, whatever the name says");
        var environment = Environment();
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
        var environment = Environment();
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1, output);
        output.Split('\n').Should().ContainSingle(line => line.StartsWith("Refusing to start: ", StringComparison.Ordinal) && line.Contains("address already in use"), output);
    }

    [Fact]
    public async Task In_development_without_a_user_service_or_credentials_start_up_claims_no_user_checks_and_no_sends()
    {
        var environment = Environment();
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment.Remove("USER_SERVICE_URL");

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        await WaitForAsync(() => host.Output.Contains("Appointments is running", StringComparison.Ordinal));

        host.Output.Should().Contain("Users are NOT checked before booking")
            .And.Contain("Email reminders are written to the log, not sent")
            .And.Contain("SMS reminders are written to the log, not sent")
            .And.Contain("telemetry: off")
            .And.NotContain("sent by SMTP").And.NotContain("Twilio's REST API").And.NotContain("users: HTTP");
    }

    [Fact]
    public async Task In_production_with_credentials_start_up_says_where_reminders_go_and_how_email_is_secured()
    {
        var environment = Environment();
        environment["EMAIL_ADDRESS"] = "clinic@example.com";
        environment["SMTP_HOST"] = "smtp.example.com";
        environment["TWILIO_ACCOUNT_SID"] = "AC123";
        environment["TWILIO_AUTH_TOKEN"] = "token";
        environment["TWILIO_PHONE_NUMBER"] = "+15555550999";
        environment["ConnectionStrings__Appointments"] = "Data Source=relative/appointments.db";
        environment["USER_SERVICE_URL"] = new UriBuilder(_users.Url) { UserName = "checker", Password = "s3cr3t" }.Uri.ToString();

        await using var host = await HostProcess.StartAsync(_directory.Path, environment);
        await WaitForAsync(() => host.Output.Contains("Appointments is running", StringComparison.Ordinal));

        host.Output.Should().Contain("Email reminders are sent by SMTP to smtp.example.com:587, STARTTLS required")
            .And.Contain("SMS reminders are sent by Twilio's REST API")
            .And.Contain($"Users are checked at {_users.Url}")
            .And.Contain($"SQLite database {Path.Combine(_directory.Path, "relative", "appointments.db")}")
            .And.NotContain("s3cr3t", "URLs are logged without credentials");
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["JWT_SECRET_KEY"] = FlaskTokens.Key,
        ["USER_SERVICE_URL"] = _users.Url.ToString(),
        ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("appointments.db")}",
        ["Runtime__Mode"] = "Embedded",
    };

    // The start-up line is written once the server listens, a moment after /health/live first answers.
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}
