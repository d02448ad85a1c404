using System.Text.Json;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>Connection state recovery with the in-memory adapter, as the reference server does it.</summary>
public sealed class ConnectionStateRecoveryTests
{
    private static SocketIOTestHost CreateHost(TimeSpan? maxDuration = null, bool skipMiddlewares = true, TimeProvider? time = null) => new(o =>
    {
        o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions
        {
            MaxDisconnectionDuration = maxDuration ?? TimeSpan.FromMinutes(1),
            SkipMiddlewares = skipMiddlewares,
        };
        o.TimeProvider = time ?? TimeProvider.System;
    });

    private static (string Sid, string Pid) ParseConnect(string packet)
    {
        Assert.StartsWith("0{", packet);
        using var doc = JsonDocument.Parse(packet[1..]);
        return (doc.RootElement.GetProperty("sid").GetString()!, doc.RootElement.GetProperty("pid").GetString()!);
    }

    private static (string Event, string Offset) ParseEvent(string packet)
    {
        using var doc = JsonDocument.Parse(packet[1..]);
        var array = doc.RootElement;
        return (array[0].GetString()!, array[array.GetArrayLength() - 1].GetString()!);
    }

    [Fact]
    public async Task AReconnectingClientGetsItsSessionBackWithTheMissedBroadcastsBeforeTheConnectReply()
    {
        await using var host = CreateHost();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        host.Server.OnConnection(async s =>
        {
            sockets.Enqueue(s);
            if (!s.Recovered)
            {
                await s.JoinAsync("r");
                s.Data["user"] = "ann";
            }
        });

        var first = host.Connect();
        first.Receive("0");
        var (sid, pid) = ParseConnect(await first.NextAsync());
        await SocketIOServerTests.WaitUntil(() => host.Server.Sockets.Adapter.GetSockets(["r"]).Count == 1);

        sockets.Last().Emit("a", 1);
        var (name, offset) = ParseEvent(await first.NextAsync());
        Assert.Equal("a", name);

        first.Close(EngineCloseReasons.TransportClose);
        await SocketIOServerTests.WaitUntil(() => host.Server.Sockets.Sockets.Count == 0);

        await host.Server.To("r").EmitAsync("b");
        await host.Server.EmitAsync("c", "x");
        await host.Server.To("other").EmitAsync("d");
        await host.Server.Except("r").EmitAsync("e");
        await host.Server.Volatile.EmitAsync("f");

        var second = host.Connect();
        second.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.Equal("b", ParseEvent(await second.NextAsync()).Event);
        var c = await second.NextAsync();
        Assert.StartsWith("2[\"c\",\"x\",\"", c);
        var (sid2, pid2) = ParseConnect(await second.NextAsync());
        Assert.Equal(sid, sid2);
        Assert.Equal(pid, pid2);

        var recovered = sockets.Last();
        Assert.True(recovered.Recovered);
        Assert.Equal(sid, recovered.Id);
        Assert.Contains("r", recovered.Rooms);
        Assert.Equal("ann", recovered.Data["user"]);
        Assert.True(await second.NothingSentAsync(), "d, e and f are not replayed");
    }

    [Fact]
    public async Task EmitsToADisconnectedSocketAreReplayedWhenItsSessionIsRecovered()
    {
        await using var host = CreateHost();
        var ready = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s =>
        {
            if (!s.Recovered)
            {
                ready.TrySetResult(s);
                s.Emit("first");
            }
        });
        var first = host.Connect();
        first.Receive("0");
        var (sid, pid) = ParseConnect(await first.NextAsync());
        var (_, offset) = ParseEvent(await first.NextAsync());
        var old = await ready.Task;

        first.Close(EngineCloseReasons.TransportClose);
        await SocketIOServerTests.WaitUntil(() => !old.Connected && host.Server.Sockets.Sockets.Count == 0);
        Assert.True(old.Emit("while-away", 1));

        var second = host.Connect();
        second.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.StartsWith("2[\"while-away\",1,\"", await second.NextAsync());
        Assert.Equal(sid, ParseConnect(await second.NextAsync()).Sid);
    }

    [Fact]
    public async Task ConcurrentBroadcastsReachASocketInOffsetOrder()
    {
        // A client resumes from the last offset it received: a socket given o+1 before o would, after a drop, get o+1
        // replayed (a duplicate) or never get o (a gap). Found by the soak scenario (tests/TypedSockets.LoadTest).
        await using var host = CreateHost();
        var connection = host.Connect();
        connection.Receive("0");
        ParseConnect(await connection.NextAsync());

        // A race: without the ordering lock, 4 threads x 500 failed 2 runs of 3; more threads and emits catch it more often.
        const int Threads = 8;
        const int PerThread = 1000;
        using var start = new Barrier(Threads);
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                await host.Server.To(t % 2 == 0 ? "even" : "odd").Except("none").EmitAsync("n", t, i);
                await host.Server.EmitAsync("n", t, i);
            }
        })));

        var previous = -1L;
        var received = 0;
        for (var i = 0; i < Threads * PerThread; i++)
        {
            var (name, offset) = ParseEvent(await connection.NextAsync());
            Assert.Equal("n", name);
            var sequence = long.Parse(offset.AsSpan(6), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(sequence > previous, $"offset {offset} arrived after a later one ({previous:x})");
            previous = sequence;
            received++;
        }

        Assert.Equal(Threads * PerThread, received);
    }

    [Fact]
    public async Task AnUnknownOrStaleSessionStartsAFreshOne()
    {
        await using var host = CreateHost();
        var connection = host.Connect();
        connection.Receive("0{\"pid\":\"nope\",\"offset\":\"x\"}");
        var (sid, pid) = ParseConnect(await connection.NextAsync());
        Assert.NotEqual("nope", pid);
        Assert.Equal(20, sid.Length);
    }

    [Fact]
    public async Task AClientNamespaceDisconnectIsNotRecoverable()
    {
        await using var host = CreateHost();
        host.Server.OnConnection(s => s.Emit("hi"));
        var first = host.Connect();
        first.Receive("0");
        var (sid, pid) = ParseConnect(await first.NextAsync());
        var (_, offset) = ParseEvent(await first.NextAsync());
        first.Receive("1");
        await SocketIOServerTests.WaitUntil(() => host.Server.Sockets.Sockets.Count == 0);

        first.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        var (sid2, _) = ParseConnect(await first.NextAsync());
        Assert.NotEqual(sid, sid2);
    }

    [Fact]
    public async Task ExpiredSessionsAreDroppedAndReported()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = CreateHost(TimeSpan.FromMinutes(2), time: time);
        var expired = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Sockets.Adapter.SessionExpired += s => expired.TrySetResult(s.Sid);
        host.Server.OnConnection(s => s.Emit("hi"));
        var first = host.Connect();
        first.Receive("0");
        var (sid, pid) = ParseConnect(await first.NextAsync());
        var (_, offset) = ParseEvent(await first.NextAsync());
        first.Close(EngineCloseReasons.PingTimeout);
        // The session is stored before the socket leaves its namespace.
        await Eventually.TrueAsync(() => host.Server.Sockets.Sockets.Count == 0, "the socket has left its namespace");

        // The cleanup timer (every minute here) runs inside Advance: within MaxDisconnectionDuration nothing expires.
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(expired.Task.IsCompleted, "a session is kept for MaxDisconnectionDuration");

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(sid, await expired.Task.WaitAsync(Eventually.DefaultTimeout));
        var second = host.Connect();
        second.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.NotEqual(sid, ParseConnect(await second.NextAsync()).Sid);
    }

    [Fact]
    public async Task ASessionIsRecoverableUntilMaxDisconnectionDurationOnTheServersClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = CreateHost(TimeSpan.FromMinutes(2), time: time);
        host.Server.OnConnection(s => s.Emit("hi"));

        // Recovered just before the deadline ...
        var first = host.Connect();
        first.Receive("0");
        var (sid, pid) = ParseConnect(await first.NextAsync());
        var (_, offset) = ParseEvent(await first.NextAsync());
        first.Close(EngineCloseReasons.TransportClose);
        await Eventually.TrueAsync(() => host.Server.Sockets.Sockets.Count == 0, "the first socket has left its namespace");
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        var second = host.Connect();
        second.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.Equal(sid, ParseConnect(await second.NextAsync()).Sid);

        // ... and not just after it.
        var (_, offset2) = ParseEvent(await second.NextAsync());
        second.Close(EngineCloseReasons.TransportClose);
        await Eventually.TrueAsync(() => host.Server.Sockets.Sockets.Count == 0, "the second socket has left its namespace");
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var third = host.Connect();
        third.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset2}\"}}");
        Assert.NotEqual(sid, ParseConnect(await third.NextAsync()).Sid);
    }

    [Fact]
    public async Task MiddlewaresRunForRecoveredSocketsWhenAskedTo()
    {
        await using var host = CreateHost(skipMiddlewares: false);
        var runs = 0;
        host.Server.Use(_ =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        });
        host.Server.OnConnection(s => s.Emit("hi"));
        var first = host.Connect();
        first.Receive("0");
        var (_, pid) = ParseConnect(await first.NextAsync());
        var (_, offset) = ParseEvent(await first.NextAsync());
        first.Close(EngineCloseReasons.TransportError);
        await SocketIOServerTests.WaitUntil(() => host.Server.Sockets.Sockets.Count == 0);

        var second = host.Connect();
        second.Receive($"0{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        await second.NextAsync();
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task AcknowledgedAndVolatileEmitsCarryNoOffset()
    {
        await using var host = CreateHost();
        var ready = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => ready.SetResult(s));
        var connection = host.Connect();
        connection.Receive("0");
        await connection.NextAsync();
        var socket = await ready.Task;
        _ = socket.EmitWithAckAsync("q", [1], TimeSpan.FromSeconds(5));
        Assert.Equal("20[\"q\",1]", await connection.NextAsync());
        socket.EmitVolatile("v", 2);
        Assert.Equal("2[\"v\",2]", await connection.NextAsync());
    }
}
