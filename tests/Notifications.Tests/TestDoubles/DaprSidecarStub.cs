using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Appointments.Notifications.Tests.TestDoubles;

/// <summary>
/// The one gRPC method of daprd that output bindings use (<c>dapr.proto.runtime.v1.Dapr/InvokeBinding</c>), over
/// real HTTP/2 on 127.0.0.1. A failed send answers gRPC <c>Internal</c>, as daprd does.
/// </summary>
internal sealed class DaprSidecarStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DaprSidecarStub(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<InvokeBindingRequest> Requests { get; } = new();

    public bool FailSends { get; set; }

    public string Url => _app.Urls.First();

    public static async Task<DaprSidecarStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new DaprSidecarStub(app);
        app.MapPost("/dapr.proto.runtime.v1.Dapr/InvokeBinding", stub.InvokeBinding);
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task InvokeBinding(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        // A gRPC message: 1 byte "compressed" flag, 4 bytes big-endian length, then the protobuf.
        Requests.Enqueue(InvokeBindingRequest.Parser.ParseFrom(body.ToArray().AsSpan(5)));

        context.Response.ContentType = "application/grpc";
        if (FailSends)
        {
            context.Response.AppendTrailer("grpc-status", "13");
            context.Response.AppendTrailer("grpc-message", "error from binding");
            return;
        }

        var reply = new InvokeBindingResponse().ToByteArray();
        var frame = new byte[5 + reply.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), reply.Length);
        reply.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
