using System.Globalization;
using System.Net;
using System.Text;

// Books many non-overlapping appointments for one patient over HTTP, as an admin (admins may book beyond the
// horizon for anyone by sending "username"), so that the list benchmark can page through a patient with
// thousands of appointments the way the service stored them.
//   Seed <base-url> <admin-token> <username> <count> <first-start-unix-seconds> [concurrency]
// One booking an hour from the first start. Each worker books its own contiguous range of hours, so concurrent
// bookings land in different months and seldom contend for the same index keys.
if (args.Length is < 5 or > 6)
{
    await Console.Error.WriteLineAsync("Usage: Seed <base-url> <admin-token> <username> <count> <first-start-unix-seconds> [concurrency]");
    return 2;
}

var (url, token, username) = (args[0], args[1], args[2]);
var count = int.Parse(args[3], CultureInfo.InvariantCulture);
var first = DateTimeOffset.FromUnixTimeSeconds(long.Parse(args[4], CultureInfo.InvariantCulture));
var workers = args.Length == 6 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 8;

using var http = new HttpClient { BaseAddress = new Uri(url) };
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
var failures = 0;
var started = DateTimeOffset.UtcNow;

await Parallel.ForEachAsync(Enumerable.Range(0, workers), async (worker, cancellationToken) =>
{
    for (var i = worker * count / workers; i < (worker + 1) * count / workers; i++)
    {
        var start = first.AddHours(i).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var body = $$"""{"doctor":"dr-seed-{{username}}-{{i}}","date_time":"{{start}}","email":"{{username}}@example.com","username":"{{username}}"}""";
        using var response = await http.PostAsync("api/appointments", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created && Interlocked.Increment(ref failures) <= 5)
        {
            await Console.Error.WriteLineAsync($"booking {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
});

var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {count - failures} of {count} appointments for {username} in {seconds:F1} s"));
return failures == 0 ? 0 : 1;
