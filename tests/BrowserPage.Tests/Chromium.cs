using Microsoft.Playwright;

namespace Appointments.BrowserPage.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright through its executable path: Playwright's own browser download cannot
/// run here. Without it the browser tests fail, saying how to install it; they never pass by skipping.
/// </summary>
internal static class Chromium
{
    /// <summary>Where the browser is: <c>CHROMIUM_PATH</c> when set (e.g. on a Mac), else Debian's.</summary>
    public static string Path { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException(
                $"The booking page's browser tests need Chromium at {Path}, and it is not there. Install it with "
                + "'apt-get install -y chromium' (.ci/run does this), or set CHROMIUM_PATH to a Chromium or Chrome executable.");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = Arguments,
        });
    }
}
