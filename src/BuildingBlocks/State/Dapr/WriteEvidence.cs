namespace Appointments.BuildingBlocks.State.Dapr;

/// <summary>
/// What the keys a write had conditions on say about it, read back after the store answered. Under Dapr the answer
/// itself cannot be trusted either way: a failed transaction is gRPC <c>Internal</c> whatever the cause (a conflict, an
/// outage, or a timeout after which the write still went through), and MongoDB can report a commit that failed as a
/// success (DAPR.md, "State").
/// <para>
/// A write is recognised as ours when every one of its first-write keys holds the bytes it wrote. Two writes may
/// create a shared key with equal bytes (an index listing the same month), but each write also creates a key unique
/// to it (the new document, a claim with its own id), which no other write can fill.
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
        var pairs = telling.Zip(entries).ToList();
        var created = pairs.Where(pair => pair.First.Kind == StateOperationKind.Create).ToList();
        var checkedByETag = pairs.Where(pair => pair.First.Kind != StateOperationKind.Create).ToList();
        var ours = created.Count > 0 && created.All(pair => pair.Second.Value is { } value && value.AsSpan().SequenceEqual(pair.First.Value));

        // Every write gives a key a new ETag, so the expected one still being there means ours never landed. Anything
        // else, a missing key included (PostgreSQL updates only), is another writer's doing, as is any first-write key
        // that exists when the write is not ours, even with equal bytes.
        var others = checkedByETag.Any(pair => pair.Second.ETag != pair.First.ETag)
            || (!ours && created.Any(pair => pair.Second.Exists));
        var untouched = checkedByETag.Any(pair => pair.Second.ETag == pair.First.ETag)
            || created.Any(pair => !pair.Second.Exists);
        return new WriteEvidence(ours, others, untouched);
    }
}
