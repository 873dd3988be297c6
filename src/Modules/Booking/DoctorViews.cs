using System.Collections.Concurrent;

namespace Appointments.Booking;

/// <summary>
/// A doctor's free slots and agenda as last computed on this replica, answered again only while the doctor's version
/// (<see cref="Storage.BookingKeys.DoctorVersion"/>, read before they were computed) is still the one in the store:
/// every appointment write and schedule save of the doctor, on any replica, moves it on in its own transaction. A
/// view that depends on the clock (free slots: notice and horizon) is answered again for at most a second. Kept for
/// many patients looking at one doctor's week at once. A kept view also keeps the JSON of the first answer written
/// from it. Bounded by what the views hold: when the slots and appointments kept would pass
/// <see cref="MaxItems"/> (a few tens of MB of objects and JSON), every view is dropped.
/// </summary>
internal sealed class DoctorViews(TimeProvider time)
{
    public const int MaxItems = 100_000;

    public static readonly TimeSpan ClockBound = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Kept> _views = new(StringComparer.Ordinal);
    private int _items;

    /// <param name="version">The doctor's version, read before <paramref name="compute"/> reads anything.</param>
    /// <param name="maxAge">How long the view may be answered again whatever the version, or null for as long as it stays.</param>
    /// <param name="items">How many slots or appointments a computed view holds.</param>
    public async Task<DoctorView<T>> GetAsync<T>(string key, string version, TimeSpan? maxAge, Func<Task<T>> compute, Func<T, int> items)
    {
        var now = time.GetUtcNow();
        if (_views.TryGetValue(key, out var kept) && kept.Version == version && (maxAge is null || now - kept.At < maxAge) && kept.View is DoctorView<T> view)
        {
            return view;
        }

        var computed = new DoctorView<T>(await compute());

        // Counted once per view kept, replaced ones included: it only overestimates, so the bound holds.
        if (Interlocked.Add(ref _items, items(computed.Value) + 1) > MaxItems)
        {
            _views.Clear();
            Interlocked.Exchange(ref _items, 0);
        }

        _views[key] = new Kept(version, now, computed);
        return computed;
    }

    private sealed record Kept(string Version, DateTimeOffset At, object View);
}

/// <summary>What a doctor's view computed, and the JSON of the first answer written from it, reused while the view is kept.</summary>
internal sealed class DoctorView<T>(T value)
{
    private byte[]? _json;

    public T Value { get; } = value;

    /// <summary>The answer's JSON: rendered once per view (two first answers at once may both render it; either is right).</summary>
    public byte[] Json(Func<T, byte[]> render) => _json ??= render(Value);
}
