namespace Appointments.TestSupport;

public static class Eventually
{
    /// <summary>Waits for something a background service or another process does; the limit only stops a broken test from hanging.</summary>
    public static Task TrueAsync(Func<bool> condition, string because) => TrueAsync(() => Task.FromResult(condition()), because);

    /// <summary>The same, for a condition that has to ask over the network.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (limit.IsCancellationRequested)
            {
                throw new TimeoutException($"Still false after 30 s: {because}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
        }
    }
}
