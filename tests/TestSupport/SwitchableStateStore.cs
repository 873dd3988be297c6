using Appointments.BuildingBlocks.State;

namespace Appointments.TestSupport;

/// <summary>A real store that can be taken down, as an outage looks to its callers, or made to refuse one kind of record.</summary>
public sealed class SwitchableStateStore(IStateStore inner) : IStateStore
{
    public bool Down { get; set; }

    public bool KeepsGivenETags => inner.KeepsGivenETags;

    /// <summary>
    /// Writes that touch a key starting with this fail as an outage would; reads and every other write still work.
    /// Null: none fail.
    /// </summary>
    public string? FailWritesTo { get; set; }

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Down ? throw Outage() : inner.GetAsync(key, cancellationToken);

    /// <summary>
    /// A bulk read whose answer carries more value bytes than this fails whole, as daprd's message limit (4 MiB) fails it;
    /// so does a transaction carrying more. Null: no limit.
    /// </summary>
    public int? MaxBytesPerCall { get; set; }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw Outage();
        }

        var entries = await inner.GetBulkAsync(keys, cancellationToken);
        return MaxBytesPerCall is { } max && entries.Sum(e => e.Value?.Length ?? 0) > max ? throw TooLarge() : entries;
    }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        (await TryExecuteWitnessedAsync(operations, cancellationToken)).Written;

    public Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        Down || operations.Any(o => FailWritesTo is { } prefix && o.Key.StartsWith(prefix, StringComparison.Ordinal))
            ? throw Outage()
            : MaxBytesPerCall is { } max && operations.Sum(o => o.Value?.Length ?? 0) > max
                ? throw TooLarge()
                : inner.TryExecuteWitnessedAsync(operations, cancellationToken);

    private static StateStoreUnavailableException Outage() => new("state store is down");

    private static StateStoreUnavailableException TooLarge() => new("grpc: received message larger than max");
}
