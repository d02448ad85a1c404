using System.Collections.Concurrent;
using TypedSockets.Client.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>
/// The client against a real server, over each transport: the subclasses run every scenario against the Node
/// reference server (npm socket.io) and against ours.
/// </summary>
public abstract class ClientScenarioTests
{
    public static readonly TheoryData<string> Transports = new() { "polling", "websocket", "upgrade" };

    /// <summary>A server for one test; disposed by the test.</summary>
    protected abstract Task<IScenarioServer> StartServerAsync(ScenarioServerConfig config);

    protected static SocketIOClientOptions Options(string transport, Action<SocketIOClientOptions>? configure = null)
    {
        var options = new SocketIOClientOptions
        {
            Transports = transport switch
            {
                "polling" => SocketIOTransports.Polling,
                "websocket" => SocketIOTransports.WebSocket,
                _ => SocketIOTransports.All,
            },
            ReconnectionDelay = TimeSpan.FromMilliseconds(100),
            ReconnectionDelayMax = TimeSpan.FromMilliseconds(400),
            RandomizationFactor = 0,
            Timeout = TimeSpan.FromSeconds(3),
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<(SocketIOManager Manager, SocketIOClientSocket Socket)> ConnectAsync(IScenarioServer server, SocketIOClientOptions options, string nsp = "/")
    {
        var manager = new SocketIOManager(server.Uri, options);
        var socket = manager.Socket(nsp);
        await socket.ConnectAsync().WithTimeout();
        return (manager, socket);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EventsTravelBothWays(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, Options(transport, o => o.Auth = new { token = "abc" }));
        await using var _ = manager;
        var socket = manager.Socket();
        var welcome = socket.NextAsync("welcome");
        await socket.ConnectAsync().WithTimeout();
        Assert.True(socket.IsConnected);
        var hello = (await welcome).Get<Welcome>(0)!;
        Assert.Equal(socket.Id, hello.Id);
        Assert.Equal("abc", hello.Auth!["token"].ToString());

        var echoed = socket.NextAsync("echo-back");
        Assert.True(socket.Emit("echo", 1, "two", new { three = true }, null));
        var echo = await echoed;
        Assert.Equal(4, echo.Count);
        Assert.Equal(1, echo.Get<int>(0));
        Assert.Equal("two", echo.Get<string>(1));
        Assert.True(echo.Get<Dictionary<string, bool>>(2)!["three"]);
        Assert.True(echo.IsNull(3));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AcksTravelBothWays(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;

        // Client -> server, as a task and as a callback.
        var ack = await socket.EmitWithAckAsync("ack", 1, "two").WithTimeout();
        Assert.Equal(1, ack.Get<int>(0));
        Assert.Equal("two", ack.Get<string>(1));
        Assert.Equal(42, await socket.EmitWithAckAsync<int>("ack", 42).WithTimeout());
        var callback = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.EmitWithAck("ack", ["cb"], (args, error) => callback.TrySetResult(error?.Message ?? args!.Get<string>(0)));
        Assert.Equal("cb", await callback.Task.WithTimeout());

        // Server -> client: the handler's result is the ack.
        socket.OnWithAck("question", async args =>
        {
            await Task.Yield();
            return "answer to " + args.Get<string>(0);
        });
        var answered = socket.NextAsync("answer");
        socket.Emit("ask", "life");
        Assert.Equal("answer to life", (await answered).Get<string>(0));

        // Server -> client with an explicit ack object.
        socket.Off("question");
        socket.On("question", (args, reply) =>
        {
            Assert.NotNull(reply);
            reply.Send("explicit " + args.Get<string>(0));
            return ValueTask.CompletedTask;
        });
        answered = socket.NextAsync("answer");
        socket.Emit("ask", "everything");
        Assert.Equal("explicit everything", (await answered).Get<string>(0));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BinaryTravelsBothWays(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;

        var reversed = await socket.EmitWithAckAsync<byte[]>("binary-reverse", new byte[] { 1, 2, 3, 0, 255 }).WithTimeout();
        Assert.Equal(new byte[] { 255, 0, 3, 2, 1 }, reversed);

        var echoed = socket.NextAsync("echo-back");
        var big = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        socket.Emit("echo", "label", big, new Attachment("nested", [9, 8, 7]));
        var echo = await echoed;
        Assert.Equal("label", echo.Get<string>(0));
        Assert.Equal(big, echo.Get<byte[]>(1));
        var nested = echo.Get<Attachment>(2)!;
        Assert.Equal("nested", nested.Name);
        Assert.Equal(new byte[] { 9, 8, 7 }, nested.Data);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NamespacesShareOneConnection(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, Options(transport));
        await using var _ = manager;
        var root = manager.Socket();
        var admin = manager.Socket("/admin");
        Assert.Same(admin, manager.Socket("admin"));
        var adminWelcome = admin.NextAsync("admin-welcome");
        await root.ConnectAsync().WithTimeout();
        var engineId = manager.EngineId;
        await admin.ConnectAsync().WithTimeout();
        Assert.Equal("/admin", (await adminWelcome).Get<string>(0));
        Assert.Equal(engineId, manager.EngineId);

        var whoami = await admin.EmitWithAckAsync("whoami").WithTimeout();
        Assert.Equal("/admin", whoami.Get<string>(0));
        Assert.Equal(admin.Id, whoami.Get<string>(1));
        Assert.NotEqual(root.Id, admin.Id);

        // Leaving one namespace keeps the connection for the other.
        await admin.DisconnectAsync().WithTimeout();
        Assert.False(admin.IsConnected);
        Assert.Equal(7, await root.EmitWithAckAsync<int>("ack", 7).WithTimeout());
        Assert.Equal(engineId, manager.EngineId);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AuthRejectionCarriesConnectErrorData(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var refused = new SocketIOManager(server.Uri, Options(transport, o => o.Auth = new { token = "wrong" }));
        await using (refused)
        {
            var socket = refused.Socket("/secure");
            var errorEvent = new TaskCompletionSource<SocketIOConnectException>(TaskCreationOptions.RunContinuationsAsynchronously);
            socket.ConnectError += e => errorEvent.TrySetResult(e);
            var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WithTimeout());
            Assert.Equal("not authorized", error.Message);
            var payload = error.Payload!.Get<ConnectErrorPayload>(0)!;
            Assert.Equal("not authorized", payload.Message);
            Assert.Equal("bad token", payload.Data!.Reason);
            Assert.Equal(42, payload.Data.Code);
            Assert.Same(error, await errorEvent.Task.WithTimeout());
            Assert.False(socket.IsActive);
        }

        var accepted = new SocketIOManager(server.Uri, Options(transport, o => o.AuthProvider = _ => ValueTask.FromResult<object?>(new Dictionary<string, string> { ["token"] = "secret" })));
        await using (accepted)
        {
            var socket = accepted.Socket("/secure");
            var welcome = socket.NextAsync("secure-welcome");
            await socket.ConnectAsync().WithTimeout();
            Assert.Equal("secret", (await welcome).Get<string>(0));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientReconnectsAfterServerRestart(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var authCalls = 0;
        var manager = new SocketIOManager(server.Uri, Options(transport, o => o.AuthProvider = _ =>
            ValueTask.FromResult<object?>(new { token = "t" + Interlocked.Increment(ref authCalls) })));
        await using var _ = manager;
        var attempts = new ConcurrentQueue<int>();
        var reconnected = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ReconnectAttempt += attempts.Enqueue;
        manager.Reconnected += n => reconnected.TrySetResult(n);
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        var firstId = socket.Id;

        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);
        await server.StopAsync();
        var reason = await disconnected.Task.WithTimeout();
        Assert.Contains(reason, new[] { SocketIOClientDisconnectReasons.TransportClose, SocketIOClientDisconnectReasons.TransportError });

        // Emitted while the server is down: buffered, sent after the reconnection.
        Assert.True(socket.Emit("echo", "sent while offline"));
        Assert.Equal(1, socket.BufferedCount);
        await TestWait.UntilAsync(() => attempts.Count >= 2, "a reconnection attempt failed against the stopped server (a second one started)");

        var welcome = socket.NextAsync("welcome");
        var echoed = socket.NextAsync("echo-back");
        await server.StartAgainAsync();
        var attempt = await reconnected.Task.WithTimeout();
        Assert.True(attempt >= 1);
        Assert.Equal(Enumerable.Range(1, attempts.Count), attempts);
        Assert.Equal("sent while offline", (await echoed).Get<string>(0));
        var hello = (await welcome).Get<Welcome>(0)!;
        Assert.True(socket.IsConnected);
        Assert.NotEqual(firstId, socket.Id);
        Assert.Equal(socket.Id, hello.Id);
        Assert.Equal(0, socket.BufferedCount);

        // The auth callback ran again for the new connection.
        Assert.Equal("t" + Volatile.Read(ref authCalls), hello.Auth!["token"].ToString());
        Assert.True(Volatile.Read(ref authCalls) >= 2);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NoEventIsLostAcrossADroppedTransport(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig { Recovery = true });
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        Assert.False(socket.Recovered);
        var firstId = socket.Id;
        var ticks = new ConcurrentQueue<int>();
        socket.On("tick", args => ticks.Enqueue(args.Get<int>(0)));
        var disconnects = new ConcurrentQueue<string>();
        socket.Disconnected += disconnects.Enqueue;

        const int count = 40;
        socket.Emit("stream", new { count, dropAt = 10, intervalMs = 15 });
        await TestWait.UntilAsync(() => ticks.Count >= count, () => $"{count} ticks arrived (got {string.Join(',', ticks)})");
        await EchoRoundTripAsync(socket); // nothing more (no duplicate) may follow: anything sent before the echo is in

        Assert.Equal(Enumerable.Range(0, count), ticks);
        Assert.Single(disconnects);
        Assert.True(socket.Recovered);
        Assert.Equal(firstId, socket.Id);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EventsStayInOrderAcrossManyRecoveriesUnderAFastStream(string transport)
    {
        // A tick every 2 ms while the transport drops every 30 ticks: each recovery races live broadcasts against the
        // replay of what was missed, and the client must still see every tick once, in order. (How many drops land
        // depends on how fast the client is back: a drop is skipped while it is away.)
        await using var server = await StartServerAsync(new ScenarioServerConfig { Recovery = true });
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        var ticks = new ConcurrentQueue<int>();
        socket.On("tick", args => ticks.Enqueue(args.Get<int>(0)));
        var disconnects = 0;
        socket.Disconnected += _ => Interlocked.Increment(ref disconnects);

        const int count = 400;
        socket.Emit("stream", new { count, dropAt = 30, intervalMs = 2, dropEvery = 30 });
        await TestWait.UntilAsync(() => ticks.Count >= count, () => $"{count} ticks arrived (got {ticks.Count}: {string.Join(',', ticks)})", TimeSpan.FromSeconds(30));
        await EchoRoundTripAsync(socket);

        Assert.Equal(Enumerable.Range(0, count), ticks);
        Assert.True(Volatile.Read(ref disconnects) >= 2, $"only {disconnects} recoveries happened");
        Assert.True(socket.Recovered);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConcurrentEmittersLoseAndDuplicateNothing(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        const int emitters = 100, perEmitter = 50;
        var prefix = Guid.NewGuid().ToString("N") + ":";
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, emitters).Select(i => Task.Factory.StartNew(() =>
        {
            start.Wait();
            for (var seq = 0; seq < perEmitter; seq++)
            {
                Assert.True(socket.Emit("count", prefix + i, seq));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        start.Set();
        await Task.WhenAll(threads).WithTimeout();

        var report = (await socket.EmitWithAckAsync("report", prefix).WithTimeout()).Get<Report>(0)!;
        Assert.Equal(new Report(emitters, emitters * perEmitter, 0, 0), report);
    }

    [Fact]
    public async Task ABacklogOverPollingDoesNotDelayThePongPastPingTimeout()
    {
        // 16 packets per polling payload (python-engineio's limit): a backlog of 30,000 packets takes 1,875 POSTs (well
        // over a second), and the pong owed to a ping must not wait behind them.
        await using var server = await StartServerAsync(new ScenarioServerConfig { PingIntervalMs = 300, PingTimeoutMs = 1500 });
        var (manager, socket) = await ConnectAsync(server, Options("polling"));
        await using var _ = manager;
        var disconnects = new System.Collections.Concurrent.ConcurrentQueue<string>();
        socket.Disconnected += disconnects.Enqueue;
        var prefix = Guid.NewGuid().ToString("N") + ":";
        const int count = 30_000;
        for (var seq = 0; seq < count; seq++)
        {
            Assert.True(socket.Emit("count", prefix + "0", seq));
        }

        var reply = socket.EmitWithAckAsync("report", prefix).WaitAsync(TimeSpan.FromSeconds(90));
        await Task.WhenAny(reply);
        await Task.Yield();
        Assert.True(disconnects.IsEmpty, "disconnected: " + string.Join(", ", disconnects));
        Assert.Equal(new Report(1, count, 0, 0), (await reply).Get<Report>(0)!);
    }

    [Fact]
    public async Task UpgradeMovesTheSessionToWebSocket()
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options("upgrade"));
        await using var _ = manager;
        var sid = manager.EngineId;
        await TestWait.UntilAsync(() => manager.Transport == "websocket", "the session upgraded");
        Assert.Equal(sid, manager.EngineId);
        Assert.Equal("after upgrade", await socket.EmitWithAckAsync<string>("ack", "after upgrade").WithTimeout());
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task ServerDisconnectDoesNotReconnect(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        var attempts = 0;
        manager.ReconnectAttempt += _ => Interlocked.Increment(ref attempts);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);
        socket.Emit("server-disconnect");
        Assert.Equal(SocketIOClientDisconnectReasons.ServerDisconnect, await disconnected.Task.WithTimeout());
        await Task.Delay(600); // several reconnection delays
        Assert.Equal(0, Volatile.Read(ref attempts));
        Assert.False(socket.IsActive);
        Assert.False(socket.IsConnected);
        await TestWait.UntilAsync(() => !manager.IsOpen, "the manager closed its unused connection");
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task ManualDisconnectDoesNotReconnect(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        var attempts = 0;
        manager.ReconnectAttempt += _ => Interlocked.Increment(ref attempts);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);
        await socket.DisconnectAsync().WithTimeout();
        Assert.Equal(SocketIOClientDisconnectReasons.ClientDisconnect, await disconnected.Task.WithTimeout());
        await Task.Delay(600);
        Assert.Equal(0, Volatile.Read(ref attempts));
        Assert.False(manager.IsOpen);

        // It can connect again on demand.
        await socket.ConnectAsync().WithTimeout();
        Assert.Equal(3, await socket.EmitWithAckAsync<int>("ack", 3).WithTimeout());
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task RetriesRedeliverAnUnacknowledgedEvent(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport, o =>
        {
            o.Retries = 3;
            o.AckTimeout = TimeSpan.FromMilliseconds(300);
        }));
        await using var _ = manager;

        // The server ignores the first delivery of each key and acknowledges the second with the count it saw.
        var key = Guid.NewGuid().ToString("N");
        Assert.Equal(2, await socket.EmitWithAckAsync<int>("flaky", key).WithTimeout());
        Assert.Equal(0, (await socket.EmitWithAckAsync("sink-ack").WithTimeout()).Count);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task AckTimeoutFailsTheEmit(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var (manager, socket) = await ConnectAsync(server, Options(transport));
        await using var _ = manager;
        var error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(
            () => socket.EmitWithAckAsync("sink", [], TimeSpan.FromMilliseconds(200)).WithTimeout());
        Assert.Equal("sink", error.EventName);
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket.EmitWithAckAsync("sink", [], null, cts.Token).WithTimeout());
        Assert.True(socket.IsConnected);
    }

    [Fact]
    public async Task CatchAllListenersSeeEveryEvent()
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, Options("websocket"));
        await using var _ = manager;
        var socket = manager.Socket();
        var incoming = new ConcurrentQueue<string>();
        var outgoing = new ConcurrentQueue<string>();
        socket.OnAny((name, args) => incoming.Enqueue(name + ":" + args.Count));
        socket.OnAnyOutgoing((name, args) => outgoing.Enqueue(name + ":" + args.Length));
        var echoed = socket.NextAsync("echo-back");
        await socket.ConnectAsync().WithTimeout();
        socket.Emit("echo", 1, 2);
        await echoed;
        Assert.Equal(["welcome:1", "echo-back:2"], incoming);
        Assert.Equal(["echo:2"], outgoing);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task AHandlerMayAwaitAnAckAndVolatileEmitsGoOutWhenWritable(string transport)
    {
        await using var server = await StartServerAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, Options(transport));
        await using var _ = manager;
        var socket = manager.Socket();
        var fromHandler = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The ack is completed by the receive loop while this handler waits on the dispatcher.
        socket.On("welcome", async _ => fromHandler.TrySetResult(await socket.EmitWithAckAsync<string>("ack", "inside a handler")));
        await socket.ConnectAsync().WithTimeout();
        Assert.Equal("inside a handler", await fromHandler.Task.WithTimeout());

        await TestWait.UntilAsync(() => socket.EmitVolatile("echo", "volatile"), "a volatile emit was accepted");
        var echoed = await socket.NextAsync("echo-back");
        Assert.Equal("volatile", echoed.Get<string>(0));
    }

    private sealed record Welcome(string Id, bool Recovered, Dictionary<string, object>? Auth);

    private sealed record Attachment(string Name, byte[] Data);

    private sealed record ConnectErrorPayload(string Message, ConnectErrorData? Data);

    private sealed record ConnectErrorData(string Reason, int Code);

    private sealed record Report(int Emitters, int Total, int Duplicates, int OutOfOrder);

    /// <summary>
    /// A sentinel instead of a sleep: an echo goes through the server and back on the same ordered connection, so once
    /// it is back, whatever the server sent before it (a duplicate tick, say) has arrived too.
    /// </summary>
    private static async Task EchoRoundTripAsync(SocketIOClientSocket socket)
    {
        var marker = "sentinel-" + Guid.NewGuid().ToString("N");
        var back = socket.NextAsync("echo-back");
        Assert.True(socket.Emit("echo", marker));
        Assert.Equal(marker, (await back).Get<string>(0));
    }
}

public sealed class NodeServerScenarioTests : ClientScenarioTests
{
    protected override async Task<IScenarioServer> StartServerAsync(ScenarioServerConfig config) => await NodeScenarioServer.StartAsync(config);
}
