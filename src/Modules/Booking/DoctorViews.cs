using System.Collections.Concurrent;

namespace Appointments.Booking;

/// <summary>
/// A doctor's free slots and agenda as last computed on this replica, answered again only while the doctor's version
/// (<see cref="Storage.BookingKeys.DoctorVersion"/>, read before they were computed) is still the one in the store:
/// every appointment write and schedule save of the doctor, on any replica, moves it on in its own transaction. A
/// view that depends on the clock (free slots: notice and horizon) is answered again for at most a second. Kept for
/// many patients looking at one doctor's week at once. A kept view also keeps the JSON of the first answer written
/// from it. Bounded by what the views hold: when they would pass <see cref="MaxWeight"/> (a slot weighs 1, an agenda's
/// appointment 10: with their JSON, ~100 bytes and ~1 KB; ~10 MB in all), every view is dropped.
/// </summary>
internal sealed class DoctorViews(TimeProvider time)
{
    public const int MaxWeight = 100_000;

    /// <summary>What an agenda's appointment weighs against a free slot (1).</summary>
    public const int AppointmentWeight = 10;

    public static readonly TimeSpan ClockBound = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Kept> _views = new(StringComparer.Ordinal);
    private int _weight;

    /// <param name="version">The doctor's version, read before <paramref name="compute"/> reads anything.</param>
    /// <param name="maxAge">How long the view may be answered again whatever the version, or null for as long as it stays.</param>
    /// <param name="weight">What a computed view weighs (see above).</param>
    public async Task<DoctorView<T>> GetAsync<T>(string key, string version, TimeSpan? maxAge, Func<Task<T>> compute, Func<T, int> weight)
    {
        var now = time.GetUtcNow();
        if (_views.TryGetValue(key, out var kept) && kept.Version == version
            && (maxAge is null || (kept.At <= now && now - kept.At < maxAge)) && kept.View is DoctorView<T> view)
        {
            return view;
        }

        var computed = new DoctorView<T>(await compute());

        // Replaced views stay counted until the next drop. A view kept by another request while this one drops them
        // all may go uncounted until the drop after; the bound is kept to within the views being computed at once.
        var added = weight(computed.Value) + 1;
        if (Interlocked.Add(ref _weight, added) > MaxWeight)
        {
            _views.Clear();
            Interlocked.Exchange(ref _weight, added);
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
