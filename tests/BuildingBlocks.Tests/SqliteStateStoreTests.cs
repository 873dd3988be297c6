using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;

namespace Appointments.BuildingBlocks.Tests;

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("appointments-state-").FullName;
    private readonly List<SqliteStateStore> _stores = [];

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "nested", "state.db")}";

    protected override Task<IStateStore> CreateStoreAsync()
    {
        var store = new SqliteStateStore(new SqliteStoreOptions { ConnectionString = ConnectionString });
        _stores.Add(store);
        return Task.FromResult<IStateStore>(store);
    }

    [Fact]
    public async Task Two_stores_on_one_file_see_each_others_writes_and_conflicts()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();

        (await first.TryExecuteAsync([StateOperation.Create("shared|1", "1"u8.ToArray())])).Should().BeTrue();

        (await second.TryExecuteAsync([StateOperation.Create("shared|1", "2"u8.ToArray())])).Should().BeFalse();
        (await second.GetAsync("shared|1")).Exists.Should().BeTrue();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_write_conditioned_on_the_etag_a_queued_write_gives_lands_right_after_it_and_only_if_that_one_does(bool firstHolds)
    {
        var store = await CreateStoreAsync();
        await store.TryExecuteAsync([StateOperation.Create("list|1", "[]"u8.ToArray())]);
        var etag = firstHolds ? (await store.GetAsync("list|1")).ETag : "stale";
        var given = Guid.NewGuid().ToString();

        var first = store.TryExecuteAsync([StateOperation.Create("doc|1", "1"u8.ToArray()), StateOperation.Save("list|1", "[1]"u8.ToArray(), etag) with { NewETag = given }]);
        var second = store.TryExecuteAsync([StateOperation.Create("doc|2", "2"u8.ToArray()), StateOperation.Save("list|1", "[1,2]"u8.ToArray(), given)]);

        (await Task.WhenAll(first, second)).Should().Equal(firstHolds, firstHolds);
        (await store.GetAsync("list|1")).Value.Should().Equal(firstHolds ? "[1,2]"u8.ToArray() : "[]"u8.ToArray());
    }

    [Fact]
    public void By_default_every_commit_is_synced_so_an_answered_write_survives_a_power_loss()
    {
        var database = new SqliteDatabase(new SqliteStoreOptions { ConnectionString = ConnectionString });

        SynchronousOf(database).Should().Be("FULL");
    }

    [Fact]
    public void Synchronous_normal_can_be_asked_for()
    {
        var database = new SqliteDatabase(new SqliteStoreOptions { ConnectionString = ConnectionString, Synchronous = SqliteSynchronous.Normal });

        SynchronousOf(database).Should().Be("NORMAL");
    }

    /// <summary><c>PRAGMA synchronous</c> of a connection as the store opens them (it is per connection).</summary>
    private static string SynchronousOf(SqliteDatabase database)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)command.ExecuteScalar()! switch
        {
            1 => "NORMAL",
            2 => "FULL",
            var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
