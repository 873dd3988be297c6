using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// One user's tab on the booking page, and what it did that a user would not see: every request it made (none may
/// leave the host's origin), and every console error or uncaught script error (a CSP violation is one).
/// </summary>
public sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _origin;
    private readonly string _screenshotPrefix;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<string> _elsewhere = new();
    private readonly ConcurrentQueue<string> _errors = new();

    internal PageSession(IBrowserContext context, IPage page, Uri origin, string screenshotPrefix, ITestOutputHelper output)
    {
        _context = context;
        Page = page;
        _origin = origin;
        _screenshotPrefix = screenshotPrefix;
        _output = output;
        context.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.GetLeftPart(UriPartial.Authority) != origin.GetLeftPart(UriPartial.Authority))
            {
                _elsewhere.Enqueue(request.Url);
            }
        };
        // Chromium logs every answer of 400 or more as a console error, the API's refusals too (a page shows those);
        // the page's own files must all load.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource: the server responded with a status of", StringComparison.Ordinal))
            {
                _errors.Enqueue(message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !new Uri(response.Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
            {
                _errors.Enqueue($"{response.Status} for {response.Url}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue(error);
    }

    public IPage Page { get; }

    public ILocator Error => Page.Locator("#error");

    public ILocator Notice => Page.Locator("#notice");

    /// <summary>The free-slot buttons of one day of the shown week.</summary>
    public ILocator SlotsOn(DateOnly day) => Page.Locator($".day[data-date='{day:yyyy-MM-dd}'] button");

    public ILocator MyAppointment(string doctor) => Page.Locator("#mine-table tbody tr", new() { HasText = doctor });

    public async Task SignInAsync(string token)
    {
        await Page.Locator("#token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Picks the doctor in the directory's list and moves to the week after this one.</summary>
    public async Task ShowNextWeekOfAsync(string doctor)
    {
        await Expect(Page.Locator("#doctor option[value='" + doctor + "']")).ToHaveCountAsync(1);
        await Page.Locator("#doctor").SelectOptionAsync(doctor);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Later" }).ClickAsync();
    }

    public async Task ScreenshotAsync(string step)
    {
        var path = $"{_screenshotPrefix}-{step}.png";
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine($"Screenshot: {path}");
    }

    /// <summary>Nothing went to another origin, and no script error or refused resource showed in the console.</summary>
    public void ShouldHaveStayedClean()
    {
        _elsewhere.Should().BeEmpty("the page talks to its own origin only");
        _errors.Should().BeEmpty("the page runs without script errors or policy violations");
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
