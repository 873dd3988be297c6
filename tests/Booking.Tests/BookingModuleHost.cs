using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Appointments.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Booking.Tests;

/// <summary>
/// Booking alone, as the host composes it: the module's own registration over a real SQLite file, users not
/// checked, on a fake clock. Use cases are called directly, without HTTP.
/// </summary>
internal sealed class BookingModuleHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly IHost _host;

    /// <param name="databaseFile">A SQLite file another host uses too (a second replica); a new one when null.</param>
    public BookingModuleHost(IDictionary<string, string?>? settings = null, string? databaseFile = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["UserService:Enabled"] = "false" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        DatabaseFile = databaseFile ?? _directory.File("booking.db");
        Store = new CountingStateStore(new SqliteStateStore(new SqliteStoreOptions { ConnectionString = $"Data Source={DatabaseFile}" }));
        builder.Services.AddSingleton<IStateStore>(Store);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.AddBookingModule(new BookingSettings());
        _host = builder.Build();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public string DatabaseFile { get; }

    public CountingStateStore Store { get; }

    public IServiceProvider Services => _host.Services;

    public AppointmentBook Book => Services.GetRequiredService<AppointmentBook>();

    public static Caller Patient(string username) => new(username, Caller.Patient);

    public static NewAppointment At(DateTimeOffset start, string doctor = "dr-house") =>
        new(doctor, start) { Email = "patient@example.com" };

    /// <summary>Books as an admin for <paramref name="caller"/>, so no notice or horizon limits what a test sets up.</summary>
    public async Task<string> BookOkAsync(Caller caller, NewAppointment request)
    {
        var (booked, error) = await Book.BookAsync(new Caller("admin", Caller.Admin), request with { Username = caller.Username }, null, null, CancellationToken.None);
        error.Should().BeNull();
        return booked!.Id;
    }

    public void Dispose()
    {
        _host.Dispose();
        (Store.Inner as IDisposable)?.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A real store that counts the keys read through it, so a test can see what a use case costs.</summary>
internal sealed class CountingStateStore(IStateStore inner) : IStateStore
{
    private long _keysRead;

    public IStateStore Inner => inner;

    public long KeysRead => Interlocked.Read(ref _keysRead);

    public bool KeepsGivenETags => inner.KeepsGivenETags;

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _keysRead);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _keysRead, keys.Count);
        return inner.GetBulkAsync(keys, cancellationToken);
    }

    /// <summary>Runs before each transaction reaches the store: a test's way to land another write in between.</summary>
    public Func<IReadOnlyList<StateOperation>, Task>? BeforeExecute { get; set; }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        (await TryExecuteWitnessedAsync(operations, cancellationToken)).Written;

    public async Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        if (BeforeExecute is { } before)
        {
            await before(operations);
        }

        return await inner.TryExecuteWitnessedAsync(operations, cancellationToken);
    }
}
