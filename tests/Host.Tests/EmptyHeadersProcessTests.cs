using System.Net.Sockets;
using System.Text;
using Appointments.TestSupport;

namespace Appointments.Host.Tests;

/// <summary>
/// A generated client (NSwag) sends an optional header it was not given as an empty header. Kestrel hands such a header
/// on as it came, so this talks to the host as a real process over a raw socket: the in-memory test server drops it.
/// </summary>
public sealed class EmptyHeadersProcessTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private UserServiceStub _users = null!;

    public async Task InitializeAsync() => _users = await UserServiceStub.StartAsync();

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task An_empty_Idempotency_Key_is_no_key_and_an_empty_If_Match_no_condition()
    {
        await using var host = await HostProcess.StartAsync(_directory.Path, new Dictionary<string, string?>
        {
            ["USER_SERVICE_URL"] = _users.Url.ToString(),
            ["ConnectionStrings__Appointments"] = $"Data Source={_directory.File("empty-headers.db")}",
            ["Runtime__Mode"] = "Embedded",
            ["JWT_SECRET_KEY"] = FlaskTokens.Key,
        });
        _users.Add("empty-headers");
        var token = FlaskTokens.Access("empty-headers");
        var body = $$"""{"doctor": "dr-empty", "date_time": "{{BookingBodies.At(DateTimeOffset.UtcNow, 30, "10:00")}}", "email": "e@example.com"}""";

        var booked = await SendAsync(host.Url, $"POST /api/appointments", token, "Idempotency-Key:", body);
        var id = booked[(booked.IndexOf("\"_id\":\"", StringComparison.Ordinal) + 7)..][..24];
        var cancelled = await SendAsync(host.Url, $"POST /api/appointments/{id}/cancel", token, "If-Match:", "{}");

        booked.Should().StartWith("HTTP/1.1 201", "an empty Idempotency-Key is no key; {0}", host.Output);
        cancelled.Should().StartWith("HTTP/1.1 200", "an empty If-Match is no condition; {0}", host.Output);
    }

    /// <summary>One request as bytes on a socket, with <paramref name="emptyHeader"/> exactly as given; the whole answer.</summary>
    private static async Task<string> SendAsync(Uri url, string requestLine, string token, string emptyHeader, string body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        var stream = client.GetStream();
        var request = $"{requestLine} HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {token}\r\n{emptyHeader}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
