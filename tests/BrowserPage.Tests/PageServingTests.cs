using System.Net;
using System.Net.Http.Headers;
using Appointments.TestSupport;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// Where the host serves the page and how: at <c>/</c> in Development or with <c>BookingPage:Enabled=true</c>,
/// 404 elsewhere; under a policy that allows its own origin only; revalidated rather than cached stale; and the
/// option refused in one line at start-up when it is not a boolean.
/// </summary>
public sealed class PageServingTests : IDisposable
{
    private static readonly string[] PageFiles = ["/", "/index.html", "/api.js", "/booking.js", "/booking.css", "/favicon.svg"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Outside_development_the_page_is_not_served_unless_turned_on()
    {
        await using var host = await HostProcess.StartAsync(_directory.Path, Environment("Production"));
        using var client = host.CreateClient();

        foreach (var file in PageFiles)
        {
            var response = await client.GetAsync(file);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, file);
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        }
    }

    [Fact]
    public async Task In_development_the_page_is_served_allowing_its_own_origin_only_and_revalidated_on_every_load()
    {
        await using var host = await HostProcess.StartAsync(_directory.Path, Environment("Development"));
        using var client = host.CreateClient();

        var page = await client.GetAsync("/");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType?.MediaType.Should().Be("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().StartWith("default-src 'self';").And.Contain("frame-ancestors 'none'");
        page.Headers.CacheControl?.NoCache.Should().BeTrue();
        page.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        foreach (var file in PageFiles)
        {
            (await client.GetAsync(file)).StatusCode.Should().Be(HttpStatusCode.OK, file);
        }

        using var again = new HttpRequestMessage(HttpMethod.Get, "/booking.js");
        again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse((await client.GetAsync("/booking.js")).Headers.ETag!.ToString()));
        (await client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task In_development_the_page_can_be_turned_off()
    {
        var environment = Environment("Development");
        environment["BookingPage__Enabled"] = "false";
        await using var host = await HostProcess.StartAsync(_directory.Path, environment);

        (await host.CreateClient().GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_option_that_is_not_a_boolean_refuses_the_start_in_one_line_naming_it()
    {
        var environment = Environment("Production");
        environment["BookingPage__Enabled"] = "sometimes";

        var (exitCode, output) = await HostProcess.RunToExitAsync(_directory.Path, environment, TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        output.Split('\n').Where(line => line.Contains("Refusing to start", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("BookingPage:Enabled");
    }

    [Fact]
    public void The_pages_files_never_write_markup_from_script_never_name_another_origin_and_keep_no_token_beyond_the_tab()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "Host", "BookingPage", "files");
        var files = Directory.GetFiles(folder);
        files.Select(Path.GetFileName).Should().BeEquivalentTo(["index.html", "api.js", "booking.js", "booking.css", "favicon.svg"]);

        foreach (var file in files)
        {
            // The icon's XML namespace names the SVG specification; nothing fetches it.
            var text = File.ReadAllText(file).Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
            text.Should().NotContainAny(["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "localStorage", "document.cookie"], file);
            text.Should().NotContainAny(["http://", "https://", "//cdn", "@import"], $"{file} loads nothing from elsewhere");
            text.Should().NotContain(" style=", $"{file}: the policy forbids inline style");
            text.Should().NotContain("<script>", $"{file}: the policy forbids inline script");
        }
    }

    private Dictionary<string, string?> Environment(string environment) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        ["JWT_SECRET_KEY"] = FlaskTokens.Key,
        ["UserService__Enabled"] = "false",
        ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File($"{environment}.db")}",
        ["Runtime__Mode"] = "Embedded",
    };
}
