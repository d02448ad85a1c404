using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>Per-socket state created on first use (Disconnected token, Data, acks) behaves as if it always existed.</summary>
public sealed class LazySocketStateTests
{
    [Fact]
    public async Task DisconnectedFiresWhenAskedForBeforeAndIsCancelledWhenFirstAskedForAfter()
    {
        await using var host = new SocketIOTestHost();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        var disconnectHandlersRan = 0;
        host.Server.OnConnection(s =>
        {
            sockets.Enqueue(s);
            s.OnDisconnect(_ => Interlocked.Increment(ref disconnectHandlersRan)); // runs after Disconnected fired
        });
        var (early, _) = await host.JoinAsync();
        var (late, _) = await host.JoinAsync();
        await SocketIOServerTests.WaitUntil(() => sockets.Count == 2);
        var earlySocket = sockets.First();
        var lateSocket = sockets.Last();

        var token = earlySocket.Disconnected;
        Assert.False(token.IsCancellationRequested);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => fired.TrySetResult());

        early.Close(EngineCloseReasons.TransportClose);
        late.Close(EngineCloseReasons.TransportClose);
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(earlySocket.Disconnected.IsCancellationRequested);

        await SocketIOServerTests.WaitUntil(() => Volatile.Read(ref disconnectHandlersRan) == 2);
        Assert.True(lateSocket.Disconnected.IsCancellationRequested);
        Assert.Equal(lateSocket.Disconnected, lateSocket.Disconnected);
    }

    [Fact]
    public async Task DataUnusedReadsAsEmptyAndUsedDataShowsInFetchSockets()
    {
        await using var host = new SocketIOTestHost();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        host.Server.OnConnection(s => sockets.Enqueue(s));
        await host.JoinAsync();
        await host.JoinAsync();
        await SocketIOServerTests.WaitUntil(() => sockets.Count == 2);
        var unused = sockets.First();
        var used = sockets.Last();
        Assert.Null(unused.DataIfCreated);

        used.Data["name"] = "bob";
        Assert.Same(used.Data, used.Data);

        var fetched = await host.Server.FetchSocketsAsync();
        Assert.Empty(fetched.Single(s => s.Id == unused.Id).Data);
        Assert.Equal("bob", fetched.Single(s => s.Id == used.Id).Data["name"]);
        Assert.Null(unused.DataIfCreated);
        Assert.Empty(unused.Data);
    }

    [Fact]
    public async Task ConcurrentFirstUsesOfDataShareOneDictionary()
    {
        await using var host = new SocketIOTestHost();
        var ready = new TaskCompletionSource<SocketIOSocket>();
        host.Server.OnConnection(s => ready.SetResult(s));
        await host.JoinAsync();
        var socket = await ready.Task;
        using var start = new Barrier(4);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
        {
            start.SignalAndWait();
            socket.Data["k" + i] = i;
        })));
        Assert.Equal(4, socket.Data.Count);
    }
}

/// <summary>One connection, several namespaces: the connection's socket table goes from one inline socket to a dictionary.</summary>
public sealed class ConnectionSocketTableTests
{
    [Fact]
    public async Task PacketsReachTheRightNamespaceAsNamespacesJoinAndLeave()
    {
        await using var host = new SocketIOTestHost();
        foreach (var name in new[] { "/", "/a", "/b" })
        {
            var nsp = name;
            host.Server.Of(nsp).OnConnection(s => s.On("who", e => e.Ack(nsp)));
        }

        var connection = host.Connect();
        connection.Receive("0/a,");
        Assert.StartsWith("0/a,{\"sid\":", await connection.NextAsync());
        connection.Receive("2/a,1[\"who\"]");
        Assert.Equal("3/a,1[\"/a\"]", await connection.NextAsync());
        connection.Receive("2/b,2[\"who\"]"); // not joined: a protocol error would close the connection
        await SocketIOServerTests.WaitUntil(() => !connection.IsOpen);

        connection = host.Connect();
        connection.Receive("0/a,");
        await connection.NextAsync();
        connection.Receive("1/a,"); // leaves /a: the table is empty again
        await SocketIOServerTests.WaitUntil(() => host.Server.Of("/a").Sockets.Count == 0);
        connection.Receive("0/a,");
        Assert.StartsWith("0/a,{\"sid\":", await connection.NextAsync());
        connection.Receive("0");
        Assert.StartsWith("0{\"sid\":", await connection.NextAsync());
        connection.Receive("0/b,");
        Assert.StartsWith("0/b,{\"sid\":", await connection.NextAsync());
        connection.Receive("0/b,"); // duplicate: closes the connection
        await SocketIOServerTests.WaitUntil(() => !connection.IsOpen);

        connection = host.Connect();
        connection.Receive("0");
        await connection.NextAsync();
        connection.Receive("0/a,");
        await connection.NextAsync();
        connection.Receive("1/a,");
        await SocketIOServerTests.WaitUntil(() => host.Server.Of("/a").Sockets.Count == 0);
        connection.Receive("0/b,");
        await connection.NextAsync();
        connection.Receive("21[\"who\"]");
        Assert.Equal("31[\"/\"]", await connection.NextAsync());
        connection.Receive("2/b,2[\"who\"]");
        Assert.Equal("3/b,2[\"/b\"]", await connection.NextAsync());
        connection.Receive("2/a,3[\"who\"]"); // left: a protocol error
        await SocketIOServerTests.WaitUntil(() => !connection.IsOpen);
        await SocketIOServerTests.WaitUntil(() => host.Server.Of("/b").Sockets.Count == 0 && host.Server.Sockets.Sockets.Count == 0);
    }
}
