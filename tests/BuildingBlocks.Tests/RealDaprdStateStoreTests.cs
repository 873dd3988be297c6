using Appointments.BuildingBlocks.State;
using Appointments.BuildingBlocks.State.Dapr;
using Appointments.Tests.DaprSidecar;
using Dapr.Client;

namespace Appointments.BuildingBlocks.Tests;

/// <summary>
/// The contract suite against a real daprd and its store (<see cref="RealDaprd"/>), to check the double's claims.
/// Each test works under its own key prefix, so the store need not be empty and runs do not meet.
/// </summary>
[AgainstRealDaprd]
public sealed class RealDaprdStateStoreTests : StateStoreContract, IDisposable
{
    private readonly RealDaprd? _daprd = RealDaprd.FromEnvironment;
    private readonly DaprClient? _client;

    public RealDaprdStateStoreTests()
    {
        if (_daprd is not null)
        {
            _client = new DaprClientBuilder().UseGrpcEndpoint(_daprd.GrpcEndpoint).UseHttpEndpoint(_daprd.HttpEndpoint).UseDaprApiToken(_daprd.ApiToken).Build();
        }
    }

    protected override bool SaveWithAnETagInsertsAMissingKey => _daprd?.StateStore != StateStoreKind.PostgreSql;

    protected override Task<IStateStore> CreateStoreAsync() =>
        Task.FromResult<IStateStore>(new PrefixedStateStore(new DaprStateStore(_client!), $"contract-{Guid.NewGuid():N}:"));

    public void Dispose() => _client?.Dispose();

    /// <summary>Every key under one prefix, taken off again on the way back.</summary>
    private sealed class PrefixedStateStore(IStateStore inner, string prefix) : IStateStore
    {
        public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) =>
            Unprefixed(await inner.GetAsync(prefix + key, cancellationToken));

        public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
            (await inner.GetBulkAsync(keys.Select(key => prefix + key).ToList(), cancellationToken)).Select(Unprefixed).ToList();

        public Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default) =>
            inner.TryExecuteAsync(operations.Select(operation => operation with { Key = prefix + operation.Key }).ToList(), cancellationToken);

        private StateEntry Unprefixed(StateEntry entry) => entry with { Key = entry.Key[prefix.Length..] };
    }
}
