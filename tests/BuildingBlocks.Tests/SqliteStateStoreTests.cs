using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;

namespace Appointments.BuildingBlocks.Tests;

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("appointments-state-").FullName;
    private readonly List<SqliteStateStore> _stores = [];

    protected override Task<IStateStore> CreateStoreAsync()
    {
        var store = new SqliteStateStore($"Data Source={Path.Combine(_directory, "nested", "state.db")}");
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
