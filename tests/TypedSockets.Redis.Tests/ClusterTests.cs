using System.Text.Json;
using TypedSockets.Server;
using TypedSockets.TestContracts;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// What every Redis cluster must do, with .NET and Node.js nodes mixed; run for the pub/sub adapter (against
/// @socket.io/redis-adapter) and the streams adapter (against @socket.io/redis-streams-adapter).
/// </summary>
public abstract class ClusterTests<TFixture>
    where TFixture : ClusterFixture
{
    protected ClusterTests(TFixture cluster)
    {
        Cluster = cluster;
    }

    protected TFixture Cluster { get; }

    private NodePeer Clients => Cluster.Clients;

    [Fact]
    public async Task BroadcastFromAnyNodeReachesClientsOnAllThreeNodes()
    {
        // From a .NET node, with a number, an object and binary.
        await Cluster.A.Io.EmitAsync("from-a", "text", 42, new { Nested = new { X = 1.5 } }, new byte[] { 1, 2, 255 });
        // From the Node.js node.
        await Cluster.N.SendAsync("server.emit", new { @event = "from-n", args = new object[] { "hi", new { list = new[] { 1, 2 } }, new Dictionary<string, string> { ["$binary"] = "AQID" } } });
        // From a client of B: its "broadcast" handler re-emits to the whole namespace across the cluster.
        await Clients.SendAsync("client.emit", new { name = "b1", @event = "broadcast", args = new object[] { "echo", 7 } });

        foreach (var client in new[] { "a1", "b1", "n1" })
        {
            var fromA = JsonAssert.Args((await Clients.WaitForClientEventAsync(client, "from-a"))[0], 4);
            Assert.Equal("text", fromA[0].GetString());
            Assert.Equal(42, fromA[1].GetInt32());
            Assert.Equal(1.5, fromA[2].GetProperty("nested").GetProperty("x").GetDouble());
            Assert.Equal("AQL/", fromA[3].GetProperty("$binary").GetString());

            var fromN = JsonAssert.Args((await Clients.WaitForClientEventAsync(client, "from-n"))[0], 3);
            Assert.Equal("hi", fromN[0].GetString());
            Assert.Equal("[1,2]", fromN[1].GetProperty("list").GetRawText());
            Assert.Equal("AQID", fromN[2].GetProperty("$binary").GetString());

            var echoes = await Clients.WaitForAsync(
                e => e.GetProperty("event").GetString() == "client" && e.GetProperty("name").GetString() == client &&
                    e.GetProperty("ev").GetString() == "broadcast-back" && e.GetProperty("args")[0].GetString() == "echo",
                what: $"broadcast-back echo on {client}");
            var back = JsonAssert.Args(Assert.Single(echoes), 2);
            Assert.Equal("echo", back[0].GetString());
            Assert.Equal(7, back[1].GetInt32());
        }

        // Each exactly once.
        foreach (var client in new[] { "a1", "b1", "n1" })
        {
            Assert.Single(Clients.Received(client, "from-a"));
            Assert.Single(Clients.Received(client, "from-n"));
        }
    }

    [Fact]
    public async Task RoomsAndExceptSelectTheSameClientsOnEveryNode()
    {
        await Cluster.B.Io.To("r1").EmitAsync("to-r1", 1);
        await Cluster.N.SendAsync("server.emit", new { @event = "except-r1", args = new object[] { 2 }, except = new[] { "r1" } });
        await Cluster.A.Io.To("r2").Except(Cluster.B1).EmitAsync("r2-but-b1", 3);
        await Cluster.N.SendAsync("server.emit", new { @event = "to-b1", args = new object[] { 4 }, rooms = new[] { Cluster.B1 } });
        // A marker after them, to everyone, from each sender: once it is in, the room events would be too.
        await Cluster.A.Io.EmitAsync("marker-1");
        await Cluster.B.Io.EmitAsync("marker-1");
        await Cluster.N.SendAsync("server.emit", new { @event = "marker-1" });
        foreach (var client in new[] { "a1", "b1", "n1" })
        {
            await Clients.WaitForClientEventAsync(client, "marker-1", 3);
        }

        Assert.Single(Clients.Received("a1", "to-r1"));
        Assert.Single(Clients.Received("n1", "to-r1"));
        Assert.Empty(Clients.Received("b1", "to-r1"));

        Assert.Single(Clients.Received("b1", "except-r1"));
        Assert.Empty(Clients.Received("a1", "except-r1"));
        Assert.Empty(Clients.Received("n1", "except-r1"));

        Assert.Empty(Clients.Received("a1", "r2-but-b1"));
        Assert.Empty(Clients.Received("b1", "r2-but-b1"));
        Assert.Empty(Clients.Received("n1", "r2-but-b1"));

        Assert.Single(Clients.Received("b1", "to-b1"));
        Assert.Empty(Clients.Received("a1", "to-b1"));
    }

    [Fact]
    public async Task FetchSocketsIsOneAdapterRequestSpanAnsweredByEveryOtherNode()
    {
        const string testSource = "TypedSockets.Redis.Tests.Tracing";
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name is TypedSocketsTelemetry.ServerActivitySourceName or testSource,
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var source = new System.Diagnostics.ActivitySource(testSource);
        using var parent = source.StartActivity("test");

        var all = await Cluster.A.Io.FetchSocketsAsync();
        Assert.Contains(all, s => s.Id == Cluster.N1);

        var span = Assert.Single(stopped, a => a.OperationName == "socketio.adapter.request" && a.ParentSpanId == parent!.SpanId);
        Assert.Equal(System.Diagnostics.ActivityKind.Client, span.Kind);
        Assert.Equal("fetchSockets", span.GetTagItem("socketio.adapter.operation"));
        Assert.Equal("socketio.adapter.request fetchSockets", span.DisplayName);
        var servers = Assert.IsType<int>(span.GetTagItem("socketio.adapter.servers"));
        Assert.True(servers >= 2, $"B and N answer: {servers}");
        Assert.Equal(servers, span.GetTagItem("socketio.adapter.responses"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task FetchSocketsSeesTheSocketsOfEveryNode()
    {
        var all = await Cluster.A.Io.FetchSocketsAsync();
        Assert.Equal(new[] { Cluster.A1, Cluster.B1, Cluster.N1 }.Order(), all.Select(s => s.Id).Order());
        var fromNode = all.Single(s => s.Id == Cluster.N1);
        Assert.Contains("r1", fromNode.Rooms);
        Assert.Equal("node", Assert.IsType<string>(fromNode.Data["node"]));
        Assert.Equal("dotnet", Assert.IsType<string>(all.Single(s => s.Id == Cluster.B1).Data["node"]));

        var inR1 = await Cluster.B.Io.In("r1").FetchSocketsAsync();
        Assert.Equal(new[] { Cluster.A1, Cluster.N1 }.Order(), inR1.Select(s => s.Id).Order());

        var seenByNode = await Cluster.N.SendAsync("server.fetchSockets");
        var sockets = seenByNode.EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal(new[] { Cluster.A1, Cluster.B1, Cluster.N1 }.Order(), sockets.Keys.Order());
        Assert.Equal("dotnet", sockets[Cluster.A1].GetProperty("data").GetProperty("node").GetString());
        Assert.Contains("r2", sockets[Cluster.B1].GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TypedSocketDataTravelsAsSocketDataBetweenDotNetAndNodeNodes()
    {
        const string nsp = "/typed-data";
        var onA = Cluster.A.Io.MapNamespace<TypedDataHub>(nsp);
        var onB = Cluster.B.Io.Of(nsp);
        await Cluster.N.SendAsync("server.of", new { nsp, data = new { node = "node", label = "plain" } });
        await Task.WhenAll(Subscribed(onA), Subscribed(onB));
        var t1 = (await Clients.SendAsync("client.connect", new { name = "t1", url = Cluster.A.UrlText + nsp })).GetProperty("id").GetString()!;
        var t2 = (await Clients.SendAsync("client.connect", new { name = "t2", url = Cluster.NUrl + nsp })).GetProperty("id").GetString()!;

        // The Node node sees the .NET hub's typed data as socket.data.
        // (A new namespace's adapters find each other asynchronously, the streams adapters by heartbeats: ask until all answer.)
        var seenByNode = await UntilBothAsync(async () => (await Cluster.N.SendAsync("server.fetchSockets", new { nsp })).EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!));
        Assert.Equal("dotnet", seenByNode[t1].GetProperty("data").GetProperty("node").GetString());
        Assert.Equal("typed", seenByNode[t1].GetProperty("data").GetProperty("label").GetString());

        // A .NET node reads the Node node's socket.data, and another .NET node's typed data, as the type.
        var seenByB = await UntilBothAsync(async () => (await Cluster.B.Io.Of(nsp).FetchSocketsAsync()).ToDictionary(s => s.Id));
        var fromNode = seenByB[t2].GetData<NodeProfile>()!;
        Assert.Equal(("node", "plain"), (fromNode.Node, fromNode.Label));
        var fromA = seenByB[t1].GetData<NodeProfile>()!;
        Assert.Equal(("dotnet", "typed"), (fromA.Node, fromA.Label));

        // On its own server the socket's data object itself comes back.
        var local = (await onA.FetchSocketsAsync()).Single(s => s.Id == t1);
        Assert.Same(local.GetData<NodeProfile>(), (await onA.FetchSocketsAsync()).Single(s => s.Id == t1).GetData<NodeProfile>());
        Assert.Equal("typed", local.GetData<NodeProfile>()!.Label);

        await Clients.SendAsync("client.disconnect", new { name = "t1" });
        await Clients.SendAsync("client.disconnect", new { name = "t2" });

        async Task<Dictionary<string, T>> UntilBothAsync<T>(Func<Task<Dictionary<string, T>>> fetch)
        {
            Dictionary<string, T> sockets = [];
            await Eventually.TrueAsync(
                async () => (sockets = await fetch()).ContainsKey(t1) && sockets.ContainsKey(t2),
                () => $"both {t1} and {t2} answer (only {string.Join(", ", sockets.Keys)} did)");
            Assert.Equal(2, sockets.Count);
            return sockets;
        }
    }

    [Fact]
    public async Task TypedServerSideEventsReachTheOtherNodesAndTheirTypedHandlers()
    {
        var noteOnB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.A.Io.HandleServerSide<IClusterEvents>(new ClusterEventsHandler("a", null));
        Cluster.B.Io.HandleServerSide<IClusterEvents>(new ClusterEventsHandler("b", noteOnB));

        // Acknowledged, from A: one result per other node (B answers with its untyped handler, N with io.on).
        var replies = await Cluster.A.Io.ServerSide<IClusterEvents>().Timeout(TimeSpan.FromSeconds(5)).Ping("typed");
        Assert.True(replies.IsComplete);
        Assert.Equal(new[] { "dotnet:typed", "node:typed" }, replies.Values.Order());

        // Without ack, from A: B's typed handler and the Node node get it.
        Cluster.A.Io.ServerSide<IClusterEvents>().Note("hello cluster");
        Assert.Equal("hello cluster", await noteOnB.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var atNode = await Cluster.N.WaitForAsync(e => e.GetProperty("event").GetString() == "server" && e.GetProperty("ev").GetString() == "typed-note", what: "typed-note on the Node node");
        Assert.Equal("hello cluster", atNode[0].GetProperty("args")[0].GetString());

        // From the Node node: the typed handlers of A and B reply.
        var fromNode = await Cluster.N.SendAsync("server.serverSideEmitWithAck", new { @event = "typed-ask", args = new object[] { "q" } });
        Assert.Equal(new[] { "a:q", "b:q" }, fromNode.EnumerateArray().Select(r => r.GetString()).Order());

        Assert.Throws<InvalidOperationException>(() => Cluster.A.Io.ServerSide<IClusterEvents>().To("room").Note("no rooms for servers"));
    }

    private sealed class ClusterEventsHandler(string name, TaskCompletionSource<string>? notes) : IClusterEvents
    {
        public void Note(string text) => notes?.TrySetResult(text);

        public Task<string> Ping(string arg) => Task.FromResult("unused");

        public Task<string> Ask(string question) => Task.FromResult(name + ":" + question);
    }

    private static Task Subscribed(SocketIONamespace nsp) => nsp.Adapter switch
    {
        RedisAdapter pubsub => pubsub.Subscribed.WaitAsync(TimeSpan.FromSeconds(10)),
        RedisStreamsAdapter streams => streams.Subscribed.WaitAsync(TimeSpan.FromSeconds(10)),
        _ => throw new InvalidOperationException($"Unexpected adapter {nsp.Adapter.GetType()}"),
    };

    [Fact]
    public async Task ServerSideEmitWithAckCollectsOneReplyPerOtherNode()
    {
        var replies = await Cluster.A.Io.ServerSideEmitWithAckAsync("server-ping", ["x"], TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { "dotnet:x", "node:x" }, replies.Select(r => r.Get<string>(0)).Order());

        var fromNode = await Cluster.N.SendAsync("server.serverSideEmitWithAck", new { @event = "server-ping", args = new object[] { "y" } });
        Assert.Equal(new[] { "dotnet:y", "dotnet:y" }, fromNode.EnumerateArray().Select(r => r.GetString()));

        // Without ack: every other node gets it, the sender does not.
        await Cluster.B.Io.ServerSideEmitAsync("server-note", "z");
        await Cluster.N.WaitForAsync(e => e.GetProperty("event").GetString() == "server" && e.GetProperty("ev").GetString() == "server-note", what: "server-note on the Node node");
        await Eventually.TrueAsync(() => Cluster.A.ServerSideEvents.Contains(("server-note", "z")), "server-note on A");
        Assert.DoesNotContain(("server-note", "z"), Cluster.B.ServerSideEvents);
    }

    [Fact]
    public async Task BroadcastAckCollectsTheRepliesOfClientsOnEveryNode()
    {
        var result = await Cluster.A.Io.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question", "q");
        Assert.True(result.IsComplete, $"{result.Responses.Count} of {result.ExpectedCount} replies");
        Assert.Equal(3, result.ExpectedCount);
        Assert.Equal(new[] { "a1:q", "b1:q", "n1:q" }, result.Values<string>().Order());

        var fromNode = await Cluster.N.SendAsync("server.emitWithAck", new { @event = "question2", args = new object[] { "w" } });
        Assert.Equal(new[] { "a1:w", "b1:w", "n1:w" }, fromNode.EnumerateArray().Select(r => r.GetString()).Order());
    }

    [Fact]
    public async Task SocketsJoinMovesSocketsOnOtherNodesIntoRooms()
    {
        await Cluster.A.Io.In(Cluster.N1, Cluster.B1).SocketsJoinAsync("joined-by-a");
        await Cluster.N.SendAsync("server.socketsJoin", new { rooms = new[] { Cluster.A1 }, room = "joined-by-n" });
        await Eventually.TrueAsync(async () => (await Cluster.B.Io.In("joined-by-a").FetchSocketsAsync()).Count == 2, "joined-by-a has n1 and b1");
        await Eventually.TrueAsync(async () => (await Cluster.B.Io.In("joined-by-n").FetchSocketsAsync()).Count == 1, "joined-by-n has a1");

        await Cluster.B.Io.To("joined-by-a").EmitAsync("joined-a");
        await Cluster.B.Io.To("joined-by-n").EmitAsync("joined-n");
        await Clients.WaitForClientEventAsync("n1", "joined-a");
        await Clients.WaitForClientEventAsync("b1", "joined-a");
        await Clients.WaitForClientEventAsync("a1", "joined-n");
        Assert.Empty(Clients.Received("a1", "joined-a"));
    }
}

/// <summary>The mixed cluster on the pub/sub adapter.</summary>
public sealed class PubSubClusterTests(PubSubClusterFixture cluster) : ClusterTests<PubSubClusterFixture>(cluster), IClassFixture<PubSubClusterFixture>
{
    [Fact]
    public async Task AllRoomsAndServerCountCoverEveryNode()
    {
        Assert.Equal(3, await Cluster.A.Io.Sockets.Adapter.ServerCountAsync());
        var rooms = await Cluster.A.Io.Sockets.Adapter.GetAllRoomsAsync();
        Assert.Contains("r1", rooms);
        Assert.Contains("r2", rooms);
        Assert.Contains(Cluster.N1, rooms);
        Assert.Equal(3, (await Cluster.N.SendAsync("server.serverCount")).GetInt32());
    }

    [Fact]
    public async Task EmittersReachClientsOfTheCluster()
    {
        // Our emitter, from a process that serves no client.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString);
        var emitter = new RedisEmitter(redis);
        await emitter.To("r1").EmitAsync("from-emitter", "e", new byte[] { 5 });
        await emitter.Except("r1").EmitAsync("emitter-except", 1);

        foreach (var client in new[] { "a1", "n1" })
        {
            var args = JsonAssert.Args((await Clients.WaitForClientEventAsync(client, "from-emitter"))[0], 2);
            Assert.Equal("e", args[0].GetString());
            Assert.Equal("BQ==", args[1].GetProperty("$binary").GetString());
        }

        await Clients.WaitForClientEventAsync("b1", "emitter-except");

        // The npm emitter reaching the .NET nodes' clients.
        await Cluster.N.SendAsync("emitter.emit", new { redis = Cluster.Redis.Url, @event = "from-npm-emitter", args = new object[] { "n" }, rooms = new[] { "r2" } });
        await Clients.WaitForClientEventAsync("b1", "from-npm-emitter");

        await emitter.EmitAsync("emitter-marker");
        foreach (var client in new[] { "a1", "b1", "n1" })
        {
            await Clients.WaitForClientEventAsync(client, "emitter-marker");
        }

        Assert.Empty(Clients.Received("b1", "from-emitter"));
        Assert.Empty(Clients.Received("a1", "emitter-except"));
        Assert.Empty(Clients.Received("a1", "from-npm-emitter"));
    }

    [Fact]
    public async Task ConformanceHostJoinsTheClusterAndReemitsBroadcastToEveryNode()
    {
        await using var host = await DotNetNode.StartConformanceAsync(Cluster.Redis, "redis");
        await Clients.SendAsync("client.connect", new { name = "c1", url = host.UrlText });
        await Clients.SendAsync("client.emit", new { name = "c1", @event = "broadcast", args = new object[] { "conformance", 1 } });
        foreach (var client in new[] { "c1", "a1", "n1" })
        {
            var args = JsonAssert.Args((await Clients.WaitForClientEventAsync(client, "broadcast-back", timeout: TimeSpan.FromSeconds(5))).First(e => e.GetProperty("args")[0].GetString() == "conformance"), 2);
            Assert.Equal(1, args[1].GetInt32());
        }

        await Clients.SendAsync("client.disconnect", new { name = "c1" });
    }

    private NodePeer Clients => Cluster.Clients;
}
