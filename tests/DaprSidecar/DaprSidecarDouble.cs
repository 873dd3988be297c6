using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// A stand-in for daprd on loopback sockets: the gRPC API (state, output bindings) on an HTTP/2 cleartext endpoint
/// and the HTTP API (service invocation, health, metadata) on an HTTP/1.1 endpoint, both on dynamic ports.
/// It behaves as DAPR.md says daprd with this repo's components does, so point the real SDK at it:
/// <see cref="DaprSidecarClient.CreateDaprClient"/>.
/// </summary>
public sealed class DaprSidecarDouble : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly StateService _state;
    private readonly BindingService _bindings;
    private readonly InvocationEndpoints _invocation;
    private readonly HttpClient _client;
    private readonly string? _appToken;

    private DaprSidecarDouble(WebApplication host, StateService state, BindingService bindings, InvocationEndpoints invocation, HttpClient client, DaprSidecarOptions options)
    {
        _host = host;
        _state = state;
        _bindings = bindings;
        _invocation = invocation;
        _client = client;
        _appToken = options.AppToken;
        AppId = options.AppId;
        AppUrl = options.AppUrl;
    }

    public string AppId { get; }

    /// <summary>The gRPC endpoint, e.g. <c>http://127.0.0.1:50123</c> (HTTP/2 without TLS).</summary>
    public string GrpcEndpoint { get; private set; } = string.Empty;

    /// <summary>The HTTP API endpoint, e.g. <c>http://127.0.0.1:50124</c>.</summary>
    public string HttpEndpoint { get; private set; } = string.Empty;

    /// <summary>The app this sidecar serves, where input bindings (the cron trigger) are delivered.</summary>
    public Uri? AppUrl { get; set; }

    /// <summary>How state calls fail until set back to <see cref="StateFailure.None"/>.</summary>
    public StateFailure StateFailure
    {
        get => _state.Failure;
        set => _state.Failure = value;
    }

    /// <summary>Output binding calls the components accepted, in order.</summary>
    public IReadOnlyList<BindingCall> BindingCalls => _bindings.Calls;

    /// <summary>Output binding calls a component is still sending: accepted, not yet answered.</summary>
    public int BindingCallsInProgress => _bindings.InProgress;

    /// <summary>Waits until a transaction running in the store holds <paramref name="key"/>'s row (a test's way to meet it there).</summary>
    public async Task WaitUntilRowHeldAsync(string key)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!_state.HoldsRow(key))
        {
            await Task.Delay(1, patience.Token);
        }
    }

    /// <summary>State API calls the double has served: a round trip each.</summary>
    public long StateCalls => _state.Calls;

    /// <summary>The keys as the state store holds them (<c>{app-id}||{key}</c>).</summary>
    public IReadOnlyCollection<string> StoredStateKeys => _state.StoredKeys;

    public static async Task<DaprSidecarDouble> StartAsync(DaprSidecarOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DaprSidecarOptions();

        // The store's writes block their thread for their latency, as a store's round trip blocks a goroutine: enough
        // threads from the start, or the pool's slow growth would run concurrent transactions one after another.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 128), completionPorts);
        var state = new StateService(options.AppId, options.StateStoreName, new StateTable(options.StateStore));
        state.Transactions.OperationLatency = options.StateOperationLatency;
        state.Transactions.Timeout = options.StateTimeout;
        var bindings = new BindingService(options.Bindings, options.BindingSendTime);
        var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        });
        var invocation = new InvocationEndpoints(options.AppId, client, options.Resiliency);

        // An empty builder: no configuration files or environment that could move the endpoints.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => (grpc = listen).Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http = listen).Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxBodySize;
            grpc.MaxSendMessageSize = options.MaxBodySize;
            if (options.ApiToken is { } token)
            {
                grpc.Interceptors.Add<ApiTokenInterceptor>(token);
            }
        });
        builder.Services.AddSingleton(new DaprGrpcService(state, bindings));
        builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<DaprGrpcService>, DaprGrpcMethods>();

        var host = builder.Build();
        if (options.ApiToken is { } apiToken)
        {
            ApiToken.RequireOnHttp(host, apiToken);
        }

        host.UseRouting();
        invocation.Map(host);
        host.MapGrpcService<DaprGrpcService>();

        var sidecar = new DaprSidecarDouble(host, state, bindings, invocation, client, options);
        await host.StartAsync(cancellationToken);
        sidecar.GrpcEndpoint = $"http://127.0.0.1:{grpc!.IPEndPoint!.Port}";
        sidecar.HttpEndpoint = $"http://127.0.0.1:{http!.IPEndPoint!.Port}";
        return sidecar;
    }

    /// <summary>Lets service invocation reach <paramref name="appId"/> at <paramref name="baseUrl"/>.</summary>
    public void MapApp(string appId, Uri baseUrl) => _invocation.MapApp(appId, baseUrl);

    /// <summary>
    /// MongoDB's <c>Multi</c> discards the error of a failed commit (DAPR.md, "State"): the next <paramref name="count"/>
    /// transactions whose conditions hold are answered as committed, and nothing of them is written.
    /// </summary>
    public void LoseCommits(int count = 1) => _state.LoseCommits(count);

    /// <summary>Makes the next <paramref name="times"/> calls to the output binding fail with gRPC <c>Internal</c>.</summary>
    public void FailBinding(string name, int times = 1) => _bindings.Fail(name, times);

    /// <summary>
    /// Fires the cron input binding as daprd does: <c>POST {AppUrl}/{component}</c> with an empty body and the
    /// <c>timeZone</c> and <c>readTimeUTC</c> headers. Returns the app's answer (daprd ignores it).
    /// </summary>
    public Task<HttpResponseMessage> TriggerCronAsync(string component = "reminder-cron", CancellationToken cancellationToken = default) =>
        TriggerCronAsync(AppUrl ?? throw new InvalidOperationException("Set AppUrl before triggering the cron binding."), component, cancellationToken);

    /// <summary>The cron trigger as the sidecar of another replica, at <paramref name="appUrl"/>, fires it.</summary>
    public async Task<HttpResponseMessage> TriggerCronAsync(Uri appUrl, string component = "reminder-cron", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(appUrl, component));
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // Go's time.Now().Location() and Time.String(), as the cron binding formats them.
        request.Headers.Add("timeZone", "Local");
        request.Headers.Add("readTimeUTC", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF") + " +0000 UTC");
        if (_appToken is not null)
        {
            request.Headers.Add(ApiToken.Header, _appToken);
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// A service invocation of this sidecar's app by another app of the mesh, <paramref name="callerAppId"/>, as daprd
    /// delivers it when no <c>accessControl</c> policy stops it: <c>POST {AppUrl}/{method}</c> with the caller's identity
    /// (<see cref="CallerHeaders"/>) and the app token daprd adds to every call to the app, invocations included.
    /// </summary>
    public async Task<HttpResponseMessage> DeliverInvocationAsync(string callerAppId, string method, CancellationToken cancellationToken = default)
    {
        var appUrl = AppUrl ?? throw new InvalidOperationException("Set AppUrl before delivering an invocation.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(appUrl, method));
        request.Content = new ByteArrayContent([]);
        CallerHeaders.Stamp(request, callerAppId, AppId);
        if (_appToken is not null)
        {
            request.Headers.Add(ApiToken.Header, _appToken);
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
        _client.Dispose();
    }
}
