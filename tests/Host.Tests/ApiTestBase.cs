using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>Small helpers shared by the API test classes: bodies, calls and problem assertions.</summary>
public abstract class ApiTestBase<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : AppFixture
{
    protected TApp App { get; } = app;

    /// <summary>The codes API.md's "Errors" table gives, and the host's own for what it refuses before Booking sees a request.</summary>
    protected static readonly string[] Codes =
    [
        "invalid_request", "invalid_date", "date_in_past", "too_soon", "too_far_ahead", "nonexistent_local_time", "unauthorized",
        "forbidden", "not_found", "user_not_found", "doctor_booked", "patient_busy", "doctor_unavailable", "slot_held", "too_many_active",
        "appointment_closed", "offer_expired", "precondition_failed", "idempotency_mismatch", "rate_limited", "unavailable", "payload_too_large",
        "method_not_allowed", "unsupported_media_type",
    ];

    protected static string NewDoctor() => $"dr-{Guid.NewGuid():N}"[..16];

    protected static Dictionary<string, object?> Booking(string doctor, string dateTime = "2031-03-10 10:00:00", string? slot = null) =>
        BookingBodies.For(doctor, dateTime, slot);

    /// <summary><paramref name="ahead"/> from the host's clock, to the minute, as <c>date_time</c> (the clinic's zone is UTC).</summary>
    protected string FromNow(TimeSpan ahead)
    {
        var at = App.Clock.GetUtcNow() + ahead;
        return BookingBodies.Format(new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero));
    }

    protected HttpClient Doctor(string name) => App.Client(App.Token(name, role: "doctor"));

    protected HttpClient Admin() => App.Client(App.Token("the-admin", role: "admin"));

    /// <summary>
    /// Runs <paramref name="count"/> calls at once: each waits at a barrier until all are ready, so they really
    /// race instead of trickling in as their tasks get scheduled.
    /// </summary>
    protected static async Task<HttpStatusCode[]> Race(int count, Func<int, Task<HttpResponseMessage>> call)
    {
        using var ready = new Barrier(count);
        var calls = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(
            async () =>
            {
                ready.SignalAndWait(TimeSpan.FromSeconds(30));
                using var response = await call(i);
                return response.StatusCode;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap());
        return await Task.WhenAll(calls);
    }

    protected static Task<HttpResponseMessage> Book(HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/appointments", body);

    protected static Task<HttpResponseMessage> PostRaw(HttpClient client, string body, string contentType = "application/json") =>
        client.PostAsync("/api/appointments", new StringContent(body, Encoding.UTF8, contentType));

    protected static async Task<string> BookOk(HttpClient client, object body)
    {
        var response = await Book(client, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("_id").GetString()!;
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> Get(HttpClient client, string id)
    {
        var response = await client.GetAsync($"/api/appointments/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    protected static async Task<List<JsonElement>> List(HttpClient client, string query = "")
    {
        var response = await client.GetAsync($"/api/appointments{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await Json(response)).EnumerateArray().ToList();
    }

    protected static async Task<JsonElement> ShouldBeProblem(HttpResponseMessage response, HttpStatusCode status, string? message = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType.Should().NotBeNull(text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("code").GetString().Should().BeOneOf(Codes, "every error carries a code from API.md's table: {0}", text);
        if (message is not null)
        {
            problem.GetProperty("message").GetString().Should().Be(message);
        }

        return problem;
    }
}
