using Appointments.BuildingBlocks.State;

namespace Appointments.TestSupport;

/// <summary>A real store that can be taken down, as an outage looks to its callers.</summary>
public sealed class SwitchableStateStore(IStateStore inner) : IStateStore
{
    public bool Down { get; set; }

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Down ? throw Outage() : inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        Down ? throw Outage() : inner.GetBulkAsync(keys, cancellationToken);

    public Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
        Down ? throw Outage() : inner.TryExecuteAsync(operations, cancellationToken);

    private static StateStoreUnavailableException Outage() => new("state store is down");
}
