using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TypedSockets.Client.Tests.Infrastructure;

namespace TypedSockets.Client.Tests.Unit;

/// <summary>
/// Reconnection, offline buffering, ack timeouts and heartbeat loss, driven by a fake clock (and a deterministic
/// random source) so that delays are checked exactly without waiting for them.
/// </summary>
public sealed class ManagerBehaviourTests
{
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Advances the fake clock in small steps until <paramref name="done"/> holds (bounded in real time).</summary>
    private static Task DriveAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step, string what) =>
        Eventually.TrueAsync(
            () =>
            {
                if (done())
                {
                    return true;
                }

                time.Advance(step);
                return false;
            },
            "driving the fake clock until " + what,
            TestWait.Timeout);

    [Fact]
    public async Task ReconnectionWaitsTheBackoffDelaysThenGivesUp()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var options = new SocketIOClientOptions
        {
            Transports = SocketIOTransports.WebSocket,
            ReconnectionAttempts = 3,
            ReconnectionDelay = TimeSpan.FromSeconds(1),
            ReconnectionDelayMax = TimeSpan.FromSeconds(3),
            RandomizationFactor = 0.5,
            Random = () => 0.15, // odd draw: +7.5 % of each delay
            TimeProvider = time,
        };
        await using var manager = new SocketIOManager(new Uri($"http://127.0.0.1:{UnusedPort()}"), options);
        var attempts = new ConcurrentQueue<(int Attempt, TimeSpan At)>();
        var errors = 0;
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ReconnectAttempt += n => attempts.Enqueue((n, time.GetUtcNow() - start));
        manager.ReconnectError += _ => Interlocked.Increment(ref errors);
        manager.ReconnectFailed += () => failed.TrySetResult();
        var socket = manager.Socket();
        var connect = socket.ConnectAsync();

        await DriveAsync(time, () => failed.Task.IsCompleted, TimeSpan.FromMilliseconds(25), "reconnection gave up");
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => connect.WithTimeout());
        Assert.Contains("3 attempt", error.Message);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal(3, errors);

        // 1075 ms, then 2150 ms more, then 3000 ms more (capped); each at the earliest when its delay has passed.
        var at = attempts.Select(a => a.At.TotalMilliseconds).ToArray();
        Assert.InRange(at[0], 1075, 1075 + 250);
        Assert.InRange(at[1] - at[0], 2150, 2150 + 250);
        Assert.InRange(at[2] - at[1], 3000, 3000 + 250);
        Assert.False(manager.IsReconnecting);
    }

    [Fact]
    public async Task NoAttemptIsMadeBeforeTheDelayHasPassed()
    {
        var time = new FakeTimeProvider();
        var options = new SocketIOClientOptions
        {
            Transports = SocketIOTransports.WebSocket,
            ReconnectionDelay = TimeSpan.FromSeconds(10),
            RandomizationFactor = 0,
            TimeProvider = time,
        };
        await using var manager = new SocketIOManager(new Uri($"http://127.0.0.1:{UnusedPort()}"), options);
        var attempts = 0;
        var firstError = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Error += _ => firstError.TrySetResult();
        manager.ReconnectAttempt += _ => Interlocked.Increment(ref attempts);
        _ = manager.Socket().ConnectAsync();
        await firstError.Task.WithTimeout();
        Assert.True(manager.IsReconnecting);

        time.Advance(TimeSpan.FromMilliseconds(9_999));
        await Task.Delay(200);
        Assert.Equal(0, Volatile.Read(ref attempts));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await TestWait.UntilAsync(() => Volatile.Read(ref attempts) == 1, "the first attempt started");
    }

    [Fact]
    public async Task WithoutReconnectionAFailedOpenFailsTheConnect()
    {
        await using var manager = new SocketIOManager(new Uri($"http://127.0.0.1:{UnusedPort()}"), new SocketIOClientOptions { Reconnection = false });
        var socket = manager.Socket();
        var errorEvent = new TaskCompletionSource<SocketIOConnectException>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.ConnectError += e => errorEvent.TrySetResult(e);
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WithTimeout());
        Assert.NotNull(error.InnerException);
        Assert.Null(error.Payload);
        Assert.Same(error, await errorEvent.Task.WithTimeout());
        Assert.False(manager.IsReconnecting);
    }

    [Fact]
    public async Task TheOfflineBufferIsBounded()
    {
        var time = new FakeTimeProvider();
        await using var manager = new SocketIOManager(new Uri("http://127.0.0.1:1"), new SocketIOClientOptions { MaxBufferedPackets = 3, TimeProvider = time });
        var socket = manager.Socket(); // never connected
        Assert.True(socket.Emit("a", 1));
        Assert.True(socket.Emit("b", 2));
        var acked = socket.EmitWithAckAsync("c", [3], TimeSpan.FromSeconds(2));
        Assert.Equal(3, socket.BufferedCount);

        Assert.False(socket.Emit("d", 4));
        await Assert.ThrowsAsync<SocketIOBufferFullException>(() => socket.EmitWithAckAsync("e", 5));
        Assert.False(socket.EmitVolatile("f", 6));
        Assert.Equal(3, socket.BufferedCount);

        // The ack timeout runs while the packet waits; the packet itself stays buffered, as in socket.io-client.
        time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => acked.WithTimeout());
        Assert.Equal(3, socket.BufferedCount);
    }

    [Fact]
    public async Task BufferedPacketsGoOutInOrderOnConnect()
    {
        await using var server = await DotnetScenarioServer.StartAsync(new ScenarioServerConfig());
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions { Transports = SocketIOTransports.Polling });
        var socket = manager.Socket();
        var prefix = Guid.NewGuid().ToString("N");
        for (var seq = 0; seq < 20; seq++)
        {
            Assert.True(socket.Emit("count", prefix, seq));
        }

        Assert.Equal(20, socket.BufferedCount);
        await socket.ConnectAsync().WithTimeout();
        Assert.Equal(0, socket.BufferedCount);
        var report = (await socket.EmitWithAckAsync("report", prefix).WithTimeout()).Get<Dictionary<string, int>>(0)!;
        Assert.Equal(20, report["total"]);
        Assert.Equal(0, report["outOfOrder"]);
        Assert.Equal(0, report["duplicates"]);
    }

    [Fact]
    public async Task AMissingHeartbeatIsALostConnection()
    {
        // The server pings every 25 s of real time; the client's clock is fake, so the heartbeat is "missed" exactly
        // when the fake clock passes pingInterval + pingTimeout.
        await using var server = await DotnetScenarioServer.StartAsync(new ScenarioServerConfig { PingIntervalMs = 25_000, PingTimeoutMs = 20_000 });
        var time = new FakeTimeProvider();
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions
        {
            Transports = SocketIOTransports.WebSocket,
            ReconnectionDelay = TimeSpan.FromSeconds(1),
            RandomizationFactor = 0,
            TimeProvider = time,
        });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);

        time.Advance(TimeSpan.FromMilliseconds(44_999));
        await Task.Delay(200);
        Assert.True(socket.IsConnected);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SocketIOClientDisconnectReasons.PingTimeout, await disconnected.Task.WithTimeout());

        // And it reconnects after the backoff delay.
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Connected += () => connected.TrySetResult();
        time.Advance(TimeSpan.FromSeconds(1));
        await connected.Task.WithTimeout();
        Assert.True(socket.IsConnected);
    }

    [Fact]
    public async Task ReservedEventNamesCannotBeEmitted()
    {
        await using var manager = new SocketIOManager(new Uri("http://127.0.0.1:1"));
        var socket = manager.Socket();
        Assert.Throws<ArgumentException>(() => socket.Emit("connect"));
        Assert.Throws<ArgumentException>(() => socket.Emit("disconnecting"));
    }

    [Fact]
    public async Task SharedManagersMultiplexUnlessForcedNew()
    {
        var uri = new Uri($"http://127.0.0.1:{UnusedPort()}");
        var root = SocketIOManager.Socket(uri);
        var admin = SocketIOManager.Socket(new Uri(uri, "/admin"));
        var forced = SocketIOManager.Socket(new Uri(uri, "/admin"), new SocketIOClientOptions { ForceNew = true });
        var secondRoot = SocketIOManager.Socket(uri);
        try
        {
            Assert.Same(root.Manager, admin.Manager);
            Assert.Equal("/admin", admin.Namespace);
            Assert.NotSame(admin.Manager, forced.Manager);
            Assert.NotSame(root.Manager, secondRoot.Manager); // the namespace was already taken on the shared one
        }
        finally
        {
            await root.DisposeAsync();
            await admin.DisposeAsync();
            await forced.DisposeAsync();
            await secondRoot.DisposeAsync();
        }
    }

    [Fact]
    public async Task DisposingTheManagerFailsPendingAcksAndStopsTheSockets()
    {
        await using var server = await DotnetScenarioServer.StartAsync(new ScenarioServerConfig());
        var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions { Transports = SocketIOTransports.WebSocket });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        var pending = socket.EmitWithAckAsync("sink"); // never acknowledged by the server
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);

        await manager.DisposeAsync().AsTask().WithTimeout();
        await Assert.ThrowsAnyAsync<Exception>(() => pending.WithTimeout());
        Assert.IsNotType<TimeoutException>(pending.Exception?.InnerException);
        Assert.Equal(SocketIOClientDisconnectReasons.ForcedClose, await disconnected.Task.WithTimeout());
        Assert.False(manager.IsOpen);
        Assert.False(socket.IsConnected);
        Assert.False(socket.Emit("after", 1));
        Assert.Throws<ObjectDisposedException>(() => manager.Socket("/other"));
    }
}
