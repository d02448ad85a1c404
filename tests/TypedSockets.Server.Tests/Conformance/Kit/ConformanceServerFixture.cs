using Xunit.Sdk;
using Microsoft.AspNetCore.Builder;
using TypedSockets.ConformanceServer;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>
/// Starts the conformance host once (socketio mode, free port) for every conformance test.
/// The settings are the ones the official v5 suite expects: pingInterval 300 ms, pingTimeout 200 ms,
/// maxPayload 1000000, connectTimeout 1000 ms.
/// Set <c>CONFORMANCE_SERVER_URL</c> (e.g. <c>http://127.0.0.1:3000/</c>) to run the same tests against a server
/// started elsewhere, such as the reference Node.js socket.io server set up the same way: that is how the tests
/// themselves are checked.
/// </summary>
public sealed class ConformanceServerFixture : IAsyncLifetime
{
    public const int PingInterval = 300;
    public const int PingTimeout = 200;
    public const int ConnectTimeout = 1000;
    public const int MaxPayload = 1_000_000;

    private WebApplication? _app;

    /// <summary>Base address of the host, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Shared client for the polling transport; every request fails after <see cref="Timeouts.Http"/>.</summary>
    public HttpClient Http { get; } = new() { Timeout = Timeouts.Http };

    /// <summary><c>http://host/socket.io/?{query}</c> (raw query, so tests can send invalid ones).</summary>
    public Uri HttpUri(string query) => new(Address, "/socket.io/?" + query);

    /// <summary><c>ws://host/socket.io/?{query}</c>.</summary>
    public Uri WebSocketUri(string query)
    {
        var builder = new UriBuilder(HttpUri(query)) { Scheme = "ws" };
        return builder.Uri;
    }

    /// <summary>The polling URL with <c>EIO=4&amp;transport=polling</c> and an optional sid.</summary>
    public Uri PollingUri(string? sid = null) =>
        HttpUri(sid is null ? "EIO=4&transport=polling" : "EIO=4&transport=polling&sid=" + Uri.EscapeDataString(sid));

    /// <summary>The WebSocket URL with <c>EIO=4&amp;transport=websocket</c> and an optional sid.</summary>
    public Uri WebSocketTransportUri(string? sid = null) =>
        WebSocketUri(sid is null ? "EIO=4&transport=websocket" : "EIO=4&transport=websocket&sid=" + Uri.EscapeDataString(sid));

    public PollingClient Polling => new(this);

    public async Task InitializeAsync()
    {
        // On 2 cores the pool starts with 2 threads; the test runner blocks some of them, and the pool then adds
        // one thread per ~500 ms: stalls that long break the 300/200 ms heartbeat windows at random.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));

        var external = Environment.GetEnvironmentVariable("CONFORMANCE_SERVER_URL");
        if (!string.IsNullOrEmpty(external))
        {
            Address = new Uri(external);
            await WarmUpAsync();
            return;
        }

        _app = ConformanceHost.Build(["--port", "0", "--mode", "socketio"]);
        await _app.StartAsync();
        Address = ConformanceHost.GetAddress(_app);
        await WarmUpAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(cts.Token);
            }
            finally
            {
                await _app.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One polling handshake and one full Socket.IO round trip through the kit before the first test, so that JIT
    /// compilation (of the server's first connection and of the client kit) does not eat into the 300 ms heartbeat
    /// windows the tests rely on. Best effort: a missing or broken server is reported by the tests themselves.
    /// </summary>
    private async Task WarmUpAsync()
    {
        try
        {
            await Polling.OpenSessionAsync();
            await using var socket = await Handshakes.OpenSocketIOAsync(this, answerPings: true);
            await socket.SendTextAsync("42[\"message\",1]");
            await socket.ReceiveIgnoringPingsAsync(1);
        }
        catch (XunitException)
        {
            // The tests report it.
        }
    }
}
