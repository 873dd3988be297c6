using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Sqlite;
using Microsoft.Extensions.Options;

namespace Appointments.Host;

internal static class SqliteStorage
{
    /// <summary>The SQLite store on <paramref name="connectionString"/>, tuned by the <c>Storage</c> section.</summary>
    public static void AddSqliteStateStore(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddOptions<SqliteStoreOptions>()
            .BindConfiguration("Storage")
            .Configure(o => o.ConnectionString = connectionString)
            .Validate(o => Enum.IsDefined(o.Synchronous), "Storage:Synchronous must be Full or Normal.")
            .ValidateOnStart();
        builder.Services.AddSingleton(provider => new SqliteStateStore(provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
        builder.Services.AddSingleton<IStateStore>(provider => new TracedStateStore(provider.GetRequiredService<SqliteStateStore>()));
    }
}
