namespace Appointments.BuildingBlocks.State.Sqlite;

/// <summary>A transaction waiting for the write loop. Taken by the loop or abandoned by its caller, never both.</summary>
internal sealed class PendingWrite(IReadOnlyList<StateOperation> operations)
{
    private int _state;

    public IReadOnlyList<StateOperation> Operations { get; } = operations;

    /// <summary>The ETag the first operation writes with, known before it is written so the caller can be told it.</summary>
    public string WitnessETag { get; } = operations[0].NewETag ?? Guid.NewGuid().ToString();

    public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

    public void TryAbandon(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            Result.TrySetCanceled(cancellationToken);
        }
    }
}
