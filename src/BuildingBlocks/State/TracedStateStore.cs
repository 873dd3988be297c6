using System.Diagnostics;

namespace Appointments.BuildingBlocks.State;

/// <summary>
/// Any state store with a span per call (<see cref="ActivitySourceName"/>), so a trace shows how many reads and
/// transactions a request cost and how long each took. The spans carry counts, never keys: keys hold usernames.
/// </summary>
public sealed class TracedStateStore(IStateStore inner) : IStateStore
{
    public const string ActivitySourceName = "Appointments.StateStore";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        using var activity = Start("state get", 1);
        return await Traced(activity, inner.GetAsync(key, cancellationToken));
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var activity = Start("state get bulk", keys.Count);
        return await Traced(activity, inner.GetBulkAsync(keys, cancellationToken));
    }

    public async Task<bool> TryExecuteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        using var activity = Start("state transaction", operations.Count);
        var applied = await Traced(activity, inner.TryExecuteAsync(operations, cancellationToken));
        activity?.SetTag("state.applied", applied);
        return applied;
    }

    public async Task<(bool Written, string? ETag)> TryExecuteWitnessedAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        using var activity = Start("state transaction", operations.Count);
        var result = await Traced(activity, inner.TryExecuteWitnessedAsync(operations, cancellationToken));
        activity?.SetTag("state.applied", result.Written);
        return result;
    }

    public bool KeepsGivenETags => inner.KeepsGivenETags;

    private static Activity? Start(string name, int keys) =>
        Source.StartActivity(name, ActivityKind.Client)?.SetTag("state.keys", keys);

    private static async Task<T> Traced<T>(Activity? activity, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
