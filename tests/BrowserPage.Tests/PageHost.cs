using System.Globalization;
using System.Net.Http.Json;
using Appointments.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Appointments.BrowserPage.Tests;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<PageHost>
{
    public const string Name = "booking page in a browser";
}

/// <summary>
/// The built host as a real process on a real port, as a clinic runs it with the page turned on: Production,
/// <c>BookingPage:Enabled=true</c>, a SQLite file, the clinic in Europe/Berlin, and the user service a real HTTP
/// stub that keeps roles and contacts (its tokens carry none). Plus one headless Chromium, whose pages live in
/// New York: a page that showed times in the browser's zone instead of the clinic's would show them 6 hours off.
/// </summary>
public sealed class PageHost : IAsyncLifetime
{
    public const string ClinicZone = "Europe/Berlin";
    public const string BrowserZone = "America/New_York";
    public const int SlotMinutes = 20;

    private readonly TempDirectory _directory = new();
    private IPlaywright? _playwright;

    public UserServiceStub Users { get; private set; } = null!;

    public HostProcess Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A front-end app's origin that <c>Cors:AllowedOrigins</c> names.</summary>
    public FrontEndOrigin AllowedApp { get; private set; } = null!;

    /// <summary>An origin nobody allowed.</summary>
    public FrontEndOrigin OtherApp { get; private set; } = null!;

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(ClinicZone);

    /// <summary>Where every test's screenshots go; cleared at the start of a run.</summary>
    public string Screenshots { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Today in the clinic's zone, as the page counts days.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);

    /// <summary>A day of the page's second week (its "Later" button), when every slot of the day is still ahead.</summary>
    public DateOnly NextWeek => Today.AddDays(7);

    public async Task InitializeAsync()
    {
        // The browser first: without it nothing here can run, and the message says why.
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);

        if (Directory.Exists(Screenshots))
        {
            Directory.Delete(Screenshots, recursive: true);
        }

        Directory.CreateDirectory(Screenshots);
        Users = await UserServiceStub.StartAsync();
        Users.Add("front-desk", "admin");
        AllowedApp = await FrontEndOrigin.StartAsync();
        OtherApp = await FrontEndOrigin.StartAsync();
        Host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["BookingPage__Enabled"] = "true",
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = Users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("page.db")}",
            ["Runtime__Mode"] = "Embedded",
            ["Booking__TimeZone"] = ClinicZone,
            ["Cors__AllowedOrigins__0"] = AllowedApp.Origin,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        foreach (var disposable in new IAsyncDisposable?[] { Users, AllowedApp, OtherApp })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        _directory.Dispose();
    }

    /// <summary>A patient the user service knows (with an email for their notices), and their role-less token.</summary>
    public string Patient(string username)
    {
        Users.Add(username, "patient", email: "patient@example.com");
        return FlaskTokens.Access(username);
    }

    /// <summary>A doctor the user service knows, working 09:00–12:00 every day in 20-minute slots; their token.</summary>
    public async Task<string> DoctorAsync(string doctor)
    {
        Users.Add(doctor, "doctor");
        var days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };
        using var admin = Host.CreateClient(FlaskTokens.Access("front-desk"));
        var saved = await admin.PutAsJsonAsync($"/api/doctors/{doctor}/schedule", new
        {
            slot_minutes = SlotMinutes,
            weekly = days.ToDictionary(day => day, _ => new[] { new { start = "09:00", end = "12:00" } }),
        });
        saved.EnsureSuccessStatusCode();
        return FlaskTokens.Access(doctor);
    }

    /// <summary><paramref name="time"/> (HH:mm) on <paramref name="day"/> as the API's clinic-local <c>date_time</c>.</summary>
    public static string DateTime(DateOnly day, string time) => $"{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} {time}:00";

    /// <summary>The same time as ISO 8601 with the clinic's offset that day, as the API's <c>start</c>.</summary>
    public string Start(DateOnly day, string time)
    {
        var local = System.DateTime.ParseExact(DateTime(day, time), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>A fresh browser context (no storage shared with other tests) on the page's address, in New York.</summary>
    public async Task<PageSession> OpenAsync(ITestOutputHelper output, string test)
    {
        var context = await NewContextAsync();
        output.WriteLine($"Screenshots of this test: {System.IO.Path.Combine(Screenshots, test)}-*.png");
        var session = new PageSession(context, await context.NewPageAsync(), Host.Url, System.IO.Path.Combine(Screenshots, test), output);
        var page = await session.Page.GotoAsync(Host.Url.ToString());
        page!.Status.Should().Be(200, "the host serves the booking page at /");
        return session;
    }

    /// <summary>A browser context of its own: no storage shared with other tests, the clock in New York.</summary>
    public Task<IBrowserContext> NewContextAsync() => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        TimezoneId = BrowserZone,
        Locale = "en-US",
        ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
    });
}
