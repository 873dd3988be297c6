using System.Net.Http.Headers;
using Appointments.BuildingBlocks.State;
using Appointments.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Host.Tests;

/// <summary>
/// One running host for a test class: the real Program with Production settings, a real user service over
/// HTTP and a real state store, on a clock that starts at <see cref="Now"/> and moves on from there.
/// Each runtime mode derives one; the API tests run against each.
/// </summary>
public abstract class AppFixture : IAsyncLifetime
{
    /// <summary>Where the clock starts: the tests' dates (March to June 2031) are ahead of it and within a year.</summary>
    public static readonly DateTimeOffset Now = new(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private WebApplicationFactory<Program>? _factory;

    /// <summary>The host's clock: "now" for bookings, reminders and token lifetimes alike.</summary>
    public TestClock Clock { get; } = new(Now);

    public UserServiceStub Users { get; private set; } = null!;

    /// <summary>Lets a test make the store fail as if it were unreachable.</summary>
    public SwitchableStateStore Store { get; private set; } = null!;

    protected TempDirectory Directory { get; } = new();

    /// <summary>This host's audit log.</summary>
    public string AuditFile => Directory.File("audit.jsonl");

    public async Task InitializeAsync()
    {
        Users = await UserServiceStub.StartAsync();
        Users.Clock = Clock;
        var settings = new Dictionary<string, string?>
        {
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
            ["USER_SERVICE_URL"] = Users.Url.ToString(),
            ["Audit:File"] = AuditFile,
        };
        await ConfigureAsync(settings);

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                var registered = services.Last(d => d.ServiceType == typeof(IStateStore));
                services.Remove(registered);
                services.AddSingleton(provider =>
                {
                    var inner = registered.ImplementationInstance as IStateStore
                        ?? (IStateStore)registered.ImplementationFactory!(provider);
                    return new SwitchableStateStore(inner);
                });
                services.AddSingleton<IStateStore>(provider => provider.GetRequiredService<SwitchableStateStore>());
            });
        });
        _factory.Server.PreserveExecutionContext = true;
        Store = _factory.Services.GetRequiredService<SwitchableStateStore>();
    }

    /// <summary>Adds the mode's settings (storage, sidecar addresses).</summary>
    protected abstract Task ConfigureAsync(IDictionary<string, string?> settings);

    /// <summary>The host's services, for what a test sets up without HTTP (e.g. a reminder's record, as Notifications writes it).</summary>
    public IServiceProvider Services => _factory!.Services;

    public HttpClient Client(string? token = null)
    {
        var client = _factory!.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>
    /// An access token issued now by the host's clock, as the user service issues it: without a role. The user is
    /// in the user service's store first, with <paramref name="role"/> (a new one as a patient when none is given).
    /// </summary>
    public string Token(string username, string? role = null)
    {
        if (role is not null)
        {
            Users.Add(username, role);
        }
        else
        {
            Users.Users.TryAdd(username, new StubUser());
        }

        return StrangerToken(username);
    }

    /// <summary>A valid access token of someone the user service does not have (or no longer has).</summary>
    public string StrangerToken(string username) => FlaskTokens.Access(username, now: Clock.GetUtcNow());

    /// <summary>A client for a new user the user service knows.</summary>
    public HttpClient NewPatient(out string username, string? role = null)
    {
        username = $"user-{Guid.NewGuid():N}"[..20];
        return Client(Token(username, role ?? "patient"));
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Users.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Dispose();
    }
}

/// <summary>The host in Embedded mode on its own SQLite file; derive it to add settings (see <c>RateLimitedApp</c>).</summary>
public class EmbeddedApp : AppFixture
{
    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Runtime:Mode"] = "Embedded";
        settings["ConnectionStrings:Appointments"] = $"Data Source={Directory.File("appointments.db")}";
        return Task.CompletedTask;
    }
}
