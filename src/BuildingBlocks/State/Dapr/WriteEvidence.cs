namespace Appointments.BuildingBlocks.State.Dapr;

/// <summary>
/// What the keys a write had conditions on say about it, read back after the store answered. Under Dapr the answer
/// itself cannot be trusted either way: a failed transaction is gRPC <c>Internal</c> whatever the cause (a conflict, an
/// outage, or a timeout after which the write still went through), and MongoDB can report a commit that failed as a
/// success (DAPR.md, "State").
/// <para>
/// A first-write value is taken to name its writer: every <see cref="StateOperationKind.Create"/> in this codebase
/// holds an id unique to its change (appointment id, claim id), so finding our own bytes under one proves our write.
/// </para>
/// </summary>
internal sealed record WriteEvidence(bool OursIsThere, bool OthersWrote, bool Untouched)
{
    /// <summary>The operations whose keys can tell something: first-write ones, and those with an ETag.</summary>
    public static IReadOnlyList<StateOperation> Telling(IReadOnlyList<StateOperation> operations) =>
        operations.Where(operation => operation.Kind == StateOperationKind.Create || operation.ETag is not null).ToList();

    /// <param name="entries">The current entries of <paramref name="telling"/>'s keys, in the same order.</param>
    public static WriteEvidence Read(IReadOnlyList<StateOperation> telling, IReadOnlyList<StateEntry> entries)
    {
        bool ours = false, others = false, untouched = false;
        foreach (var (operation, entry) in telling.Zip(entries))
        {
            if (operation.Kind == StateOperationKind.Create)
            {
                ours |= entry.Value is not null && entry.Value.AsSpan().SequenceEqual(operation.Value);
                others |= entry.Value is not null && !entry.Value.AsSpan().SequenceEqual(operation.Value);
                untouched |= entry.Value is null;
            }
            else
            {
                // Every write gives a key a new ETag, so the expected one still being there means ours never landed.
                // Anything else, a missing key included (PostgreSQL updates only), is another writer's doing.
                untouched |= entry.ETag == operation.ETag;
                others |= entry.ETag != operation.ETag;
            }
        }

        return new WriteEvidence(ours, others, untouched);
    }
}
