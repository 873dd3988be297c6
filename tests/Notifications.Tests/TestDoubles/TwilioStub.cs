using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// Twilio's Messages API over real HTTP on 127.0.0.1: a form-encoded POST in, JSON with a <c>sid</c> out.
/// Answers with the statuses queued, then 201.
/// </summary>
internal sealed class TwilioStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses;
    private int _created;

    private TwilioStub(WebApplication app, ConcurrentQueue<int> statuses)
    {
        _app = app;
        _statuses = statuses;
    }

    public ConcurrentQueue<TwilioRequest> Requests { get; } = new();

    public int Created => Volatile.Read(ref _created);

    public Uri Url => new(_app.Urls.First());

    public static async Task<TwilioStub> StartAsync(params int[] statuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new TwilioStub(app, new ConcurrentQueue<int>(statuses));
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", stub.CreateMessage);
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> CreateMessage(string accountSid, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        Requests.Enqueue(new TwilioRequest(
            accountSid,
            form.ToDictionary(f => f.Key, f => f.Value.ToString()),
            request.Headers.Authorization.ToString(),
            request.ContentType));
        var status = _statuses.TryDequeue(out var next) ? next : StatusCodes.Status201Created;
        if (status != StatusCodes.Status201Created)
        {
            return Results.Json(new { code = 20500, message = "scripted failure", status }, statusCode: status);
        }

        Interlocked.Increment(ref _created);
        return Results.Json(
            new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued", to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString() },
            statusCode: status);
    }
}

internal sealed record TwilioRequest(string AccountSid, IReadOnlyDictionary<string, string> Form, string Authorization, string? ContentType);
