using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>The Socket.IO layer over in-memory Engine.IO connections: namespaces, events, acks, rooms, reasons.</summary>
public sealed class SocketIOServerTests
{
    [Fact]
    public async Task ConnectRepliesWithANewSocketIdAndRunsConnectionHandlersAfterTheReply()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.Emit("welcome", s.Id));
        var (connection, sid) = await host.JoinAsync();
        Assert.NotEqual(connection.Id, sid);
        Assert.Equal(20, sid.Length);
        Assert.Equal($"2[\"welcome\",\"{sid}\"]", await connection.NextAsync());
    }

    [Fact]
    public async Task UnknownNamespaceIsRefusedAndTheConnectionStaysUsable()
    {
        await using var host = new SocketIOTestHost();
        var connection = host.Connect();
        connection.Receive("0/random,");
        Assert.Equal("4/random,{\"message\":\"Invalid namespace\"}", await connection.NextAsync());
        connection.Receive("0");
        Assert.StartsWith("0{\"sid\":", await connection.NextAsync());
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task MiddlewareRejectionSendsConnectErrorWithMessageAndData()
    {
        await using var host = new SocketIOTestHost();
        host.Server.Of("/admin").Use(s => s.Handshake.GetAuth<Auth>()?.Token == "ok"
            ? ValueTask.CompletedTask
            : throw new SocketConnectException("not authorized", new { code = 42 }));
        var connection = host.Connect();
        connection.Receive("0/admin,{\"token\":\"bad\"}");
        Assert.Equal("4/admin,{\"message\":\"not authorized\",\"data\":{\"code\":42}}", await connection.NextAsync());
        connection.Receive("0/admin,{\"token\":\"ok\"}");
        Assert.StartsWith("0/admin,{\"sid\":", await connection.NextAsync());
    }

    [Fact]
    public async Task UnexpectedMiddlewareFailureDoesNotLeakItsMessage()
    {
        await using var host = new SocketIOTestHost();
        host.Server.Use(_ => throw new InvalidOperationException("database password is hunter2"));
        var connection = host.Connect();
        connection.Receive("0");
        Assert.Equal("4{\"message\":\"Internal server error\"}", await connection.NextAsync());
    }

    private sealed record Auth(string Token);

    [Fact]
    public async Task MiddlewareSeesAuthHeadersAndQuery()
    {
        await using var host = new SocketIOTestHost();
        string? seen = null;
        host.Server.Use(async s =>
        {
            await Task.Yield();
            seen = $"{s.Handshake.GetAuth<Auth>()!.Token}|{s.Handshake.Headers["x-test"]}|{s.Handshake.Query["room"]}";
        });
        await host.JoinAsync(auth: "{\"token\":\"t1\"}");
        Assert.Equal("t1|yes|blue", seen);
    }

    [Fact]
    public async Task AbsentAuthIsReEmittedAsAnEmptyObject()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.Emit("auth", s.Handshake.Auth));
        var (connection, _) = await host.JoinAsync();
        Assert.Equal("2[\"auth\",{}]", await connection.NextAsync());
    }

    [Fact]
    public async Task EventsReachHandlersAndAcksGoBackWithTheClientsId()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.On("sum", e => e.Ack(e.GetArgument<int>(0) + e.GetArgument<int>(1))));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("27[\"sum\",2,3]");
        Assert.Equal("37[5]", await connection.NextAsync());
    }

    [Fact]
    public async Task AckIsSentOnlyOnce()
    {
        await using var host = new SocketIOTestHost();
        var results = new List<bool>();
        host.Server.OnConnection(s => s.On("x", e =>
        {
            results.Add(e.Ack(1));
            results.Add(e.Ack(2));
        }));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("21[\"x\"]");
        Assert.Equal("31[1]", await connection.NextAsync());
        Assert.Equal([true, false], results);
        Assert.True(await connection.NothingSentAsync());
    }

    [Fact]
    public async Task ServerAwaitsTheClientsAck()
    {
        await using var host = new SocketIOTestHost();
        var socketReady = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => socketReady.SetResult(s));
        var (connection, _) = await host.JoinAsync();
        var socket = await socketReady.Task;

        var reply = socket.EmitWithAckAsync<string>("question", ["q"], TimeSpan.FromSeconds(5));
        Assert.Equal("20[\"question\",\"q\"]", await connection.NextAsync());
        connection.Receive("30[\"answer\"]");
        Assert.Equal("answer", await reply);

        var second = socket.EmitWithAckAsync("again", ["q"], TimeSpan.FromSeconds(5));
        Assert.Equal("21[\"again\",\"q\"]", await connection.NextAsync());
        connection.Receive("31[1,2]");
        Assert.Equal(2, (await second).Count);
    }

    [Fact]
    public async Task AckTimeoutThrowsAndALateAckIsIgnored()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = new SocketIOTestHost(o => o.TimeProvider = time);
        var socketReady = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => socketReady.SetResult(s));
        var (connection, _) = await host.JoinAsync();
        var socket = await socketReady.Task;

        var pending = socket.EmitWithAckAsync("q", [], TimeSpan.FromSeconds(10));
        Assert.Equal("20[\"q\"]", await connection.NextAsync());
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(pending.IsCompleted, "the ack is awaited for the whole timeout");
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<SocketAckTimeoutException>(() => pending.WaitAsync(Eventually.DefaultTimeout));
        connection.Receive("30[\"late\"]");
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task AckCancellationAndDisconnectEndTheWait()
    {
        await using var host = new SocketIOTestHost();
        var socketReady = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => socketReady.SetResult(s));
        var (connection, _) = await host.JoinAsync();
        var socket = await socketReady.Task;

        using var cts = new CancellationTokenSource();
        var cancelled = socket.EmitWithAckAsync("q", [], null, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var pending = socket.EmitWithAckAsync("q", [], null);
        connection.Close(EngineCloseReasons.TransportClose);
        var error = await Assert.ThrowsAsync<SocketDisconnectedException>(() => pending);
        Assert.Equal("transport close", error.Reason);
    }

    [Fact]
    public async Task APacketForANamespaceNotJoinedClosesTheConnection()
    {
        await using var host = new SocketIOTestHost();
        var (connection, _) = await host.JoinAsync();
        connection.Receive("2/admin,[\"x\"]");
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task ASecondConnectToTheSameNamespaceClosesTheConnection()
    {
        await using var host = new SocketIOTestHost();
        var (connection, _) = await host.JoinAsync();
        connection.Receive("0");
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task AnInvalidPacketClosesOnlyThatConnection()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.On("ping", e => e.Ack("pong")));
        var (bad, _) = await host.JoinAsync();
        var (good, _) = await host.JoinAsync();
        bad.Receive("2{}");
        Assert.False(bad.IsOpen);
        good.Receive("21[\"ping\"]");
        Assert.Equal("31[\"pong\"]", await good.NextAsync());
    }

    [Fact]
    public async Task DisconnectReasonsFollowTheReference()
    {
        await using var host = new SocketIOTestHost();
        var reasons = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        host.Server.OnConnection(s =>
        {
            sockets.Enqueue(s);
            s.OnDisconnect(r => reasons.Enqueue(r));
        });

        var (client, _) = await host.JoinAsync();
        client.Receive("1");
        Assert.True(await client.NothingSentAsync(), "a client DISCONNECT gets no reply");
        await WaitUntil(() => reasons.Count == 1);
        Assert.Equal("client namespace disconnect", reasons.Last());
        Assert.True(client.IsOpen, "the Engine.IO session survives a namespace disconnect");

        var (server, _) = await host.JoinAsync();
        sockets.Last().Disconnect();
        Assert.Equal("1", await server.NextAsync());
        await WaitUntil(() => reasons.Count == 2);
        Assert.Equal("server namespace disconnect", reasons.Last());

        foreach (var reason in new[] { "transport close", "ping timeout", "transport error", "server shutting down", "forced close" })
        {
            var (c, _) = await host.JoinAsync();
            c.Close(reason);
            await WaitUntil(() => reasons.Last() == reason);
        }
    }

    [Fact]
    public async Task DisconnectWithCloseDisconnectsEveryNamespaceAndClosesTheConnection()
    {
        await using var host = new SocketIOTestHost();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        host.Server.Of("/a").OnConnection(s => sockets.Enqueue(s));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("0/a,");
        await connection.NextAsync();
        sockets.Single().Disconnect(close: true);
        var sent = new[] { await connection.NextAsync(), await connection.NextAsync() };
        Assert.Contains("1", sent);
        Assert.Contains("1/a,", sent);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task DisconnectingHookStillSeesTheRooms()
    {
        await using var host = new SocketIOTestHost();
        var rooms = new TaskCompletionSource<string[]>();
        host.Server.OnConnection(async s =>
        {
            await s.JoinAsync("room1");
            s.OnDisconnecting(_ => rooms.SetResult([.. s.Rooms.Order()]));
        });
        var (connection, sid) = await host.JoinAsync();
        await WaitUntil(() => host.Server.Sockets.Adapter.GetRooms().Contains("room1"));
        connection.Close(EngineCloseReasons.TransportClose);
        Assert.Equal(new[] { sid, "room1" }.Order(), await rooms.Task);
        await WaitUntil(() => host.Server.Sockets.Adapter.GetRooms().Count == 0);
    }

    [Fact]
    public async Task BroadcastsReachRoomsExceptExcludedOnesEncodedOnce()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(async s =>
        {
            var room = s.Handshake.GetAuth<Auth>()!.Token;
            await s.JoinAsync(room);
            s.On("shout", e => s.To("red", "blue").EmitAsync("heard", e.GetArgument<string>(0)));
        });
        var (red1, red1Id) = await host.JoinAsync(auth: "{\"token\":\"red\"}");
        var (red2, _) = await host.JoinAsync(auth: "{\"token\":\"red\"}");
        var (blue, _) = await host.JoinAsync(auth: "{\"token\":\"blue\"}");
        var (green, _) = await host.JoinAsync(auth: "{\"token\":\"green\"}");
        await WaitUntil(() => host.Server.Sockets.Adapter.GetSockets(["red", "blue"]).Count == 3);

        red1.Receive("2[\"shout\",\"hi\"]");
        Assert.Equal("2[\"heard\",\"hi\"]", await red2.NextAsync());
        Assert.Equal("2[\"heard\",\"hi\"]", await blue.NextAsync());
        Assert.True(await red1.NothingSentAsync(), "the sender is excluded");
        Assert.True(await green.NothingSentAsync(), "other rooms are not reached");
        Assert.True(MemoryMarshal.TryGetArray(red2.RawSent[^1], out var a) && MemoryMarshal.TryGetArray(blue.RawSent[^1], out var b) && ReferenceEquals(a.Array, b.Array),
            "every recipient shares the same encoded bytes");

        await host.Server.To("red").Except(red1Id).EmitAsync("only-red2");
        Assert.Equal("2[\"only-red2\"]", await red2.NextAsync());
        Assert.True(await red1.NothingSentAsync());

        await host.Server.EmitAsync("all");
        foreach (var c in new[] { red1, red2, blue, green })
        {
            Assert.Equal("2[\"all\"]", await c.NextAsync());
        }
    }

    [Fact]
    public async Task VolatileBroadcastsSkipSocketsThatCannotTakeThemNow()
    {
        await using var host = new SocketIOTestHost();
        var (busy, _) = await host.JoinAsync();
        var (idle, _) = await host.JoinAsync();
        busy.Writable = false;
        await host.Server.Volatile.EmitAsync("tick", 1);
        Assert.Equal("2[\"tick\",1]", await idle.NextAsync());
        Assert.True(await busy.NothingSentAsync());
    }

    [Fact]
    public async Task BroadcastAckCollectsEveryReplyAndCountsTheMissingOnes()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = new SocketIOTestHost(o => o.TimeProvider = time);
        var connections = new List<TestEngineConnection>();
        for (var i = 0; i < 3; i++)
        {
            connections.Add((await host.JoinAsync()).Connection);
        }

        var pending = host.Server.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("vote");
        for (var i = 0; i < 3; i++)
        {
            var packet = await connections[i].NextAsync();
            Assert.Equal("20[\"vote\"]", packet);
            if (i < 2)
            {
                connections[i].Receive($"30[{i}]");
            }
        }

        // Acks are taken in synchronously by Receive: the two replies are in; the third never comes.
        Assert.False(pending.IsCompleted, "one socket has not answered yet");
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await pending.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(3, result.ExpectedCount);
        Assert.False(result.IsComplete);
        Assert.Equal(1, result.MissingCount);
        Assert.Equal([0, 1], result.Values<int>().Order());

        var all = host.Server.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("vote2");
        foreach (var c in connections)
        {
            Assert.Equal("21[\"vote2\"]", await c.NextAsync());
            c.Receive("31[true]");
        }

        Assert.True((await all).IsComplete);
    }

    [Fact]
    public async Task BroadcastAckWithoutTimeoutIsRefusedOnlyWithoutADefaultAckTimeout()
    {
        await using var host = new SocketIOTestHost(o => o.DefaultAckTimeout = null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Server.Sockets.All.EmitWithAckAsync("x"));
    }

    [Fact]
    public async Task BroadcastAckWithoutTimeoutWaitsTheDefaultAckTimeout()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = new SocketIOTestHost(o =>
        {
            o.TimeProvider = time;
            o.DefaultAckTimeout = TimeSpan.FromSeconds(30);
        });
        var (connection, _) = await host.JoinAsync();
        var pending = host.Server.Sockets.All.EmitWithAckAsync("x");
        Assert.Equal("20[\"x\"]", await connection.NextAsync());
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(pending.IsCompleted, "the broadcast waits the whole DefaultAckTimeout");
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await pending.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(1, result.MissingCount);
    }

    [Fact]
    public async Task FetchJoinLeaveAndDisconnectSocketsAcrossTheNamespace()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.Data["name"] = "user-" + s.Id[..4]);
        var (c1, id1) = await host.JoinAsync();
        var (c2, id2) = await host.JoinAsync();

        var all = await host.Server.FetchSocketsAsync();
        Assert.Equal(new[] { id1, id2 }.Order(), all.Select(s => s.Id).Order());
        Assert.Equal("user-" + id1[..4], all.Single(s => s.Id == id1).Data["name"]);

        await host.Server.In(id1).SocketsJoinAsync("vip");
        Assert.Equal([id1], (await host.Server.In("vip").FetchSocketsAsync()).Select(s => s.Id));
        await host.Server.SocketsLeaveAsync("vip");
        Assert.Empty(await host.Server.In("vip").FetchSocketsAsync());

        await all.Single(s => s.Id == id2).EmitAsync("direct", 1);
        Assert.Equal("2[\"direct\",1]", await c2.NextAsync());

        await host.Server.In(id2).DisconnectSocketsAsync();
        Assert.Equal("1", await c2.NextAsync());
        Assert.True(c2.IsOpen);
        await host.Server.DisconnectSocketsAsync(close: true);
        Assert.Equal("1", await c1.NextAsync());
        Assert.False(c1.IsOpen);
    }

    [Fact]
    public async Task RoomLifecycleIsObservable()
    {
        await using var host = new SocketIOTestHost();
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var adapter = host.Server.Sockets.Adapter;
        adapter.RoomCreated += r => events.Enqueue("create " + r);
        adapter.RoomDeleted += r => events.Enqueue("delete " + r);
        adapter.RoomJoined += (r, _) => events.Enqueue("join " + r);
        adapter.RoomLeft += (r, _) => events.Enqueue("leave " + r);
        var ready = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => ready.SetResult(s));
        await host.JoinAsync();
        var socket = await ready.Task;
        events.Clear();
        await socket.JoinAsync("r");
        await socket.LeaveAsync("r");
        Assert.Equal(["create r", "join r", "delete r", "leave r"], events);
    }

    [Fact]
    public async Task DynamicNamespacesShareTheParentsMiddlewaresAndHandlers()
    {
        await using var host = new SocketIOTestHost();
        var parent = host.Server.Of(new Regex("^/dyn-\\d+$"));
        parent.Use(s => s.Handshake.GetAuth<Auth>()?.Token == "ok" ? ValueTask.CompletedTask : throw new SocketConnectException("no"));
        parent.OnConnection(s => s.Emit("hello", s.Namespace.Name));

        var connection = host.Connect();
        connection.Receive("0/dyn-1,{\"token\":\"ok\"}");
        Assert.StartsWith("0/dyn-1,{\"sid\":", await connection.NextAsync());
        Assert.Equal("2/dyn-1,[\"hello\",\"/dyn-1\"]", await connection.NextAsync());
        connection.Receive("0/dyn-2,{\"token\":\"bad\"}");
        Assert.Equal("4/dyn-2,{\"message\":\"no\"}", await connection.NextAsync());
        connection.Receive("0/dyn-x,");
        Assert.Equal("4/dyn-x,{\"message\":\"Invalid namespace\"}", await connection.NextAsync());

        await parent.EmitAsync("to-children");
        Assert.Equal("2/dyn-1,[\"to-children\"]", await connection.NextAsync());
        // dyn-2's only connect was refused: with CleanupEmptyChildNamespaces (the default) it is not kept.
        Assert.Equal(["/dyn-1"], parent.Children.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task AConnectionThatJoinsNoNamespaceInTimeIsClosed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = new SocketIOTestHost(o =>
        {
            o.TimeProvider = time;
            o.ConnectTimeout = TimeSpan.FromSeconds(45);
        });
        var connection = host.Connect();
        var joined = host.Connect();
        joined.Receive("0");
        await joined.NextAsync();

        time.Advance(TimeSpan.FromSeconds(44));
        Assert.True(connection.IsOpen, "not closed before the connect timeout");

        // The fake clock runs due timers inside Advance: past this line the connect timeout has fired for both.
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => !connection.IsOpen, "the connection that joined nothing is closed");
        Assert.True(joined.IsOpen, "a connection that joined a namespace in time is kept");
    }

    [Fact]
    public async Task PacketMiddlewaresCanDropEventsAndReportErrors()
    {
        await using var host = new SocketIOTestHost();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        host.Server.OnConnection(s =>
        {
            s.Use(async (e, next) =>
            {
                if (e.Name == "forbidden")
                {
                    throw new UnauthorizedAccessException("nope");
                }

                if (e.Name != "dropped")
                {
                    await next();
                }
            });
            s.OnError(ex => errors.Enqueue(ex.Message));
            s.On("echo", e => e.Ack(e.Name));
            s.On("dropped", e => e.Ack(e.Name));
            s.On("forbidden", e => e.Ack(e.Name));
        });
        var (connection, _) = await host.JoinAsync();
        connection.Receive("21[\"dropped\"]");
        connection.Receive("22[\"forbidden\"]");
        connection.Receive("23[\"echo\"]");

        // A dropped event gets no answer; one whose middleware threw gets the error answer (no silent timeout).
        Assert.Equal("32[{\"error\":{\"message\":\"An error occurred while handling 'forbidden'.\",\"code\":\"internal_error\"}}]", await connection.NextAsync());
        Assert.Equal("33[\"echo\"]", await connection.NextAsync());
        Assert.Equal(["nope"], errors);
    }

    [Fact]
    public async Task CatchAllListenersSeeIncomingAndOutgoingEvents()
    {
        await using var host = new SocketIOTestHost();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        host.Server.OnConnection(s =>
        {
            s.OnAny(e =>
            {
                seen.Enqueue("in:" + e.Name);
                return ValueTask.CompletedTask;
            });
            s.OnAnyOutgoing((name, args) => seen.Enqueue($"out:{name}:{args.Length}"));
            s.On("a", _ => s.Emit("b", 1, 2));
        });
        var (connection, _) = await host.JoinAsync();
        connection.Receive("2[\"a\"]");
        connection.Receive("2[\"unknown\"]");
        await connection.NextAsync();
        await WaitUntil(() => seen.Count == 3);
        Assert.Equal(["in:a", "out:b:2", "in:unknown"], seen);
    }

    private sealed class ScopedCounter : IDisposable
    {
        public static int Disposed;

        public void Dispose() => Interlocked.Increment(ref Disposed);
    }

    [Fact]
    public async Task HandlersResolveScopedServicesPerConnectionAndTheScopeIsDisposedOnDisconnect()
    {
        await using var host = new SocketIOTestHost(configureServices: s => s.AddScoped<ScopedCounter>());
        var instances = new System.Collections.Concurrent.ConcurrentQueue<ScopedCounter>();
        host.Server.OnConnection(s => s.On("x", _ =>
        {
            instances.Enqueue(s.Services.GetRequiredService<ScopedCounter>());
            instances.Enqueue(s.Services.GetRequiredService<ScopedCounter>());
        }));
        var before = ScopedCounter.Disposed;
        var (connection, _) = await host.JoinAsync();
        connection.Receive("2[\"x\"]");
        await WaitUntil(() => instances.Count == 2);
        Assert.Same(instances.First(), instances.Last());
        connection.Close(EngineCloseReasons.TransportClose);
        await WaitUntil(() => ScopedCounter.Disposed == before + 1);
    }

    private sealed class ScopedProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public async Task AConnectionClosingWhileAMiddlewareRunsLeavesNoSocketBehind()
    {
        await using var host = new SocketIOTestHost(configureServices: s => s.AddScoped<ScopedProbe>());
        var release = new TaskCompletionSource();
        var probe = new TaskCompletionSource<ScopedProbe>();
        var connected = 0;
        host.Server.Use(async s =>
        {
            var service = s.Services.GetRequiredService<ScopedProbe>();
            await release.Task;
            Assert.False(service.Disposed, "the middleware's services stay usable until it returns");
            probe.SetResult(service);
        });
        host.Server.OnConnection(_ => Interlocked.Increment(ref connected));

        var connection = host.Connect();
        connection.Receive("0");
        connection.Close(EngineCloseReasons.TransportClose);
        release.SetResult();

        var service = await probe.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await WaitUntil(() => service.Disposed);
        Assert.Empty(host.Server.Sockets.Sockets);
        Assert.Empty(host.Server.Sockets.Adapter.GetRooms());
        Assert.Equal(0, connected);
    }

    [Fact]
    public async Task BinaryArgumentsTravelAsAttachmentsRightAfterTheirHeader()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s => s.On("file", e => e.Ack(e.GetArgument<byte[]>(0)!.Reverse().ToArray())));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("51-4[\"file\",{\"_placeholder\":true,\"num\":0}]");
        connection.Receive([1, 2, 3]);
        Assert.Equal("61-4[{\"_placeholder\":true,\"num\":0}]", await connection.NextAsync());
        Assert.Equal("b:030201", await connection.NextAsync());
    }

    [Fact]
    public async Task ReservedEventNamesCannotBeEmitted()
    {
        await using var host = new SocketIOTestHost();
        var ready = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => ready.SetResult(s));
        await host.JoinAsync();
        var socket = await ready.Task;
        Assert.Throws<ArgumentException>(() => socket.Emit("disconnect"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await host.Server.EmitAsync("connect"));
    }

    [Fact]
    public async Task AnEventHandlerThatThrowsDoesNotBreakTheSocket()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s =>
        {
            s.On("boom", _ => throw new InvalidOperationException("handler bug"));
            s.On("bad-arg", e => e.Ack(e.GetArgument<int>(0)));
            s.On("ok", e => e.Ack("fine"));
        });
        var (connection, _) = await host.JoinAsync();
        connection.Receive("2[\"boom\"]");
        connection.Receive("21[\"bad-arg\",\"not a number\"]");
        connection.Receive("22[\"ok\"]");
        Assert.Equal("31[{\"error\":{\"message\":\"An error occurred while handling 'bad-arg'.\",\"code\":\"internal_error\"}}]", await connection.NextAsync());
        Assert.Equal("32[\"fine\"]", await connection.NextAsync());
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task AnUntypedHandlerThatThrowsAnswersAnAckItDidNotSend()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s =>
        {
            s.On("refuse", _ => throw new SocketInvocationException("Room is full", "room_full", new { max = 2 }));
            s.On("late", async e =>
            {
                await Task.Yield();
                throw new InvalidOperationException("secret");
            });
            s.On("acked-then-failed", e =>
            {
                e.Ack("done");
                throw new InvalidOperationException("after the ack");
            });
        });
        var (connection, _) = await host.JoinAsync();
        connection.Receive("21[\"refuse\"]");
        Assert.Equal("31[{\"error\":{\"message\":\"Room is full\",\"code\":\"room_full\",\"data\":{\"max\":2}}}]", await connection.NextAsync());
        connection.Receive("22[\"late\"]");
        Assert.Equal("32[{\"error\":{\"message\":\"An error occurred while handling 'late'.\",\"code\":\"internal_error\"}}]", await connection.NextAsync());
        connection.Receive("23[\"acked-then-failed\"]");
        Assert.Equal("33[\"done\"]", await connection.NextAsync());
        connection.Receive("24[\"refuse\"]");
        Assert.StartsWith("34[{\"error\"", await connection.NextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APerPacketMiddlewareThatThrowsAnswersTheAckWithTheError()
    {
        await using var host = new SocketIOTestHost();
        host.Server.OnConnection(s =>
        {
            s.Use((e, next) => e.Name == "secret" ? throw new SocketInvocationException("Forbidden", "forbidden") : next());
            s.On("secret", e => e.Ack("leaked"));
            s.On("ok", e => e.Ack("fine"));
        });
        var (connection, _) = await host.JoinAsync();
        connection.Receive("21[\"secret\"]");
        Assert.Equal("31[{\"error\":{\"message\":\"Forbidden\",\"code\":\"forbidden\"}}]", await connection.NextAsync());
        connection.Receive("22[\"ok\"]");
        Assert.Equal("32[\"fine\"]", await connection.NextAsync());
    }

    [Fact]
    public async Task DetailedErrorsNameTheExceptionForUntypedHandlersToo()
    {
        await using var host = new SocketIOTestHost(o => o.EnableDetailedErrors = true);
        host.Server.OnConnection(s => s.On("boom", _ => throw new InvalidOperationException("handler bug")));
        var (connection, _) = await host.JoinAsync();
        connection.Receive("21[\"boom\"]");
        Assert.Equal(
            "31[{\"error\":{\"message\":\"An error occurred while handling 'boom'. InvalidOperationException: handler bug\",\"code\":\"internal_error\"}}]",
            await connection.NextAsync());
    }

    [Fact]
    public async Task AClientsErrorAnswerThrowsFromEmitWithAckOfT()
    {
        await using var host = new SocketIOTestHost();
        SocketIOSocket? socket = null;
        host.Server.OnConnection(s => socket = s);
        var (connection, _) = await host.JoinAsync();
        var pending = socket!.EmitWithAckAsync<string>("ask", ["q"]);
        Assert.Equal("20[\"ask\",\"q\"]", await connection.NextAsync());
        connection.Receive("30[{\"error\":{\"message\":\"no\",\"code\":\"busy\",\"data\":[1]}}]");
        var error = await Assert.ThrowsAsync<SocketInvocationException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(("no", "busy", "[1]"), (error.Message, error.Code, error.ErrorData!.ToString()));

        // Not the error shape: a second property, a message that is not a string, or two arguments.
        foreach (var (reply, ackId) in new[] { ("{\"error\":{\"message\":\"x\"},\"ok\":false}", 1), ("{\"error\":{\"message\":1}}", 2), ("{\"error\":{\"message\":\"x\"}},2", 3) })
        {
            var raw = socket.EmitWithAckAsync<System.Text.Json.JsonElement>("ask", ["q"]);
            await connection.NextAsync();
            connection.Receive($"3{ackId}[{reply}]");
            Assert.Equal(System.Text.Json.JsonValueKind.Object, (await raw.WaitAsync(TimeSpan.FromSeconds(10))).ValueKind);
        }
    }

    /// <summary>Kept for the tests that call it: forwards to <see cref="Eventually.TrueAsync(Func{bool}, string, TimeSpan?)"/> (a longer <paramref name="timeoutMs"/> than its default is kept).</summary>
    internal static Task WaitUntil(Func<bool> condition, int timeoutMs = 5000) =>
        Eventually.TrueAsync(condition, "the awaited condition holds", TimeSpan.FromMilliseconds(timeoutMs) > Eventually.DefaultTimeout ? TimeSpan.FromMilliseconds(timeoutMs) : null);
}
