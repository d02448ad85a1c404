using System.Collections.Concurrent;
using TypedSockets.Client;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.MessagePack.Tests;

/// <summary>Starts node/node-server.mjs (npm socket.io 4.8 with socket.io-msgpack-parser) once for the class.</summary>
public sealed class NodeMsgpackServer : IAsyncLifetime
{
    private NodeProcess? _process;

    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _process = await NodeRunner.StartAsync("node-server.mjs", []);
        var port = await _process.WaitForLineAsync("listening ", TimeSpan.FromSeconds(20));
        Url = new Uri($"http://127.0.0.1:{port}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}

/// <summary>Our .NET client with <see cref="MessagePackSocketIOParser"/> against the Node server with socket.io-msgpack-parser.</summary>
public sealed class ClientInteropTests(NodeMsgpackServer server) : IClassFixture<NodeMsgpackServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    public static readonly TheoryData<SocketIOTransports> Transports = new() { SocketIOTransports.WebSocket, SocketIOTransports.Polling };

    private SocketIOClientSocket Open(SocketIOTransports transports, string nsp = "/", object? auth = null) =>
        SocketIOManager.Socket(new Uri(server.Url, nsp), new SocketIOClientOptions
        {
            Parser = MessagePackSocketIOParser.Default,
            Transports = transports,
            ForceNew = true,
            Reconnection = false,
            Auth = auth,
        });

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EventsComeBackWithEveryValueType(SocketIOTransports transports)
    {
        await using var socket = Open(transports);
        var back = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.On("echo-back", args => back.TrySetResult(args));
        await socket.ConnectAsync().WaitAsync(Timeout);

        var date = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        socket.Emit("echo", 1, "two", new Dictionary<string, object?> { ["three"] = new object?[] { true, null } }, 1.5, new byte[] { 1, 2, 3 }, date, "héllo 😀");
        var args = await back.Task.WaitAsync(Timeout);

        // The Node server has connection state recovery on: it appends its offset as an eighth argument.
        Assert.Equal(8, args.Count);
        Assert.True(args.TryGetString(7, out var offset) && offset!.Length > 0);
        Assert.Equal(1, args.Get<int>(0));
        Assert.Equal("two", args.Get<string>(1));
        Assert.Equal("{\"three\":[true,null]}", args.Get<System.Text.Json.JsonElement>(2).GetRawText());
        Assert.Equal(1.5, args.Get<double>(3));
        Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<byte[]>(4));
        Assert.Equal(date, args.Get<DateTimeOffset>(5));
        Assert.Equal("héllo 😀", args.Get<string>(6));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerValuesBindToDotNetTypes(SocketIOTransports transports)
    {
        await using var socket = Open(transports);
        await socket.ConnectAsync().WaitAsync(Timeout);
        var args = await socket.EmitWithAckAsync("types", [], Timeout);

        Assert.Equal(new byte[] { 1, 2, 3 }, args.Get<byte[]>(0));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), args.Get<DateTimeOffset>(1));
        Assert.Equal(1.5, args.Get<double>(2));
        Assert.Equal(1L << 40, args.Get<long>(3));
        Assert.Equal(-7, args.Get<int>(4));
        Assert.True(args.IsNull(5));
        var nested = Assert.IsType<System.Text.Json.JsonElement>(args.Get<object>(6)); // object reads as JSON, as with the JSON parser
        Assert.Equal("{\"nested\":[true,\"x\"]}", nested.GetRawText());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AcksWorkBothWays(SocketIOTransports transports)
    {
        await using var socket = Open(transports);
        var answer = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.On("question", (args, ack) =>
        {
            ack!.Send(args.Get<int>(0) * 2, new byte[] { 9 });
            return ValueTask.CompletedTask;
        });
        socket.On("answer", args => answer.TrySetResult(args));
        await socket.ConnectAsync().WaitAsync(Timeout);

        var echoed = await socket.EmitWithAckAsync("ack-me", ["x", 2, new byte[] { 7 }], Timeout);
        Assert.Equal("x", echoed.Get<string>(0));
        Assert.Equal(2, echoed.Get<int>(1));
        Assert.Equal(new byte[] { 7 }, echoed.Get<byte[]>(2));

        socket.Emit("ask-me", 21);
        var answered = await answer.Task.WaitAsync(Timeout);
        Assert.Equal(42, answered.Get<int>(0)); // emitWithAck on the Node side resolves with the first argument
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task RoomBroadcastsReachMembersButTheSender(SocketIOTransports transports)
    {
        await using var a = Open(transports);
        await using var b = Open(transports);
        await using var c = Open(transports);
        var received = new ConcurrentDictionary<string, string>();
        b.On("room-msg", args => received["b"] = args.Get<string>(0) + ":" + Convert.ToHexString(args.Get<byte[]>(1)!));
        c.On("room-msg", args => received["c"] = args.Get<string>(0)!);
        a.On("room-msg", args => received["a"] = args.Get<string>(0)!);
        await Task.WhenAll(a.ConnectAsync(), b.ConnectAsync(), c.ConnectAsync()).WaitAsync(Timeout);
        await a.EmitWithAckAsync("join", ["room1"], Timeout);
        await b.EmitWithAckAsync("join", ["room1"], Timeout);

        a.Emit("to-room", "room1", "hi", new byte[] { 1 });
        await Eventually.TrueAsync(() => received.ContainsKey("b"), "b got the room message");

        // Would a or c get it too? Sentinel instead of a sleep: an ack round trip on each; a wrong message comes first.
        await a.EmitWithAckAsync("ack-me", ["sentinel"], Timeout);
        await c.EmitWithAckAsync("ack-me", ["sentinel"], Timeout);
        Assert.Equal("hi:01", received.GetValueOrDefault("b"));
        Assert.False(received.ContainsKey("a"));
        Assert.False(received.ContainsKey("c"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NamespacesTakeAuthAndReportServerDisconnects(SocketIOTransports transports)
    {
        await using var admin = Open(transports, "/admin", new Dictionary<string, string> { ["token"] = "secret" });
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        admin.Disconnected += reason => disconnected.TrySetResult(reason);
        await admin.ConnectAsync().WaitAsync(Timeout);

        var who = await admin.EmitWithAckAsync("whoami", [], Timeout);
        Assert.Equal("/admin", who.Get<string>(0));
        Assert.Equal("secret", who.Get<string>(1));

        admin.Emit("kick-me");
        Assert.Equal("io server disconnect", await disconnected.Task.WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConnectErrorsCarryTheirData(SocketIOTransports transports)
    {
        await using var refused = Open(transports, "/admin", new Dictionary<string, string> { ["token"] = "wrong" });
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => refused.ConnectAsync().WaitAsync(Timeout));
        Assert.Equal("not authorized", error.Message);
        var payload = Assert.IsType<MessagePackSocketIOArguments>(error.Payload);
        Assert.Equal("{\"message\":\"not authorized\",\"data\":{\"code\":42}}", payload.Get<System.Text.Json.JsonElement>(0).GetRawText());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TheSessionIsRecoveredWithTheMissedBroadcast(SocketIOTransports transports)
    {
        await using var socket = SocketIOManager.Socket(server.Url, new SocketIOClientOptions
        {
            Parser = MessagePackSocketIOParser.Default,
            Transports = transports,
            ForceNew = true,
            ReconnectionDelay = TimeSpan.FromMilliseconds(150),
            ReconnectionDelayMax = TimeSpan.FromMilliseconds(300),
        });
        var ticks = new ConcurrentQueue<int>();
        socket.On("tick", args => ticks.Enqueue(args.Get<int>(0)));
        await socket.ConnectAsync().WaitAsync(Timeout);
        Assert.False(socket.Recovered);
        var firstId = socket.Id;

        socket.Emit("drop-me");
        await Eventually.TrueAsync(() => ticks.Count >= 2 && socket.IsConnected, () => $"two ticks arrived and the socket is connected again (ticks: {string.Join(",", ticks)})");

        Assert.Equal([1, 2], ticks);
        Assert.True(socket.Recovered);
        Assert.Equal(firstId, socket.Id);
    }

    [Fact]
    public async Task UnknownNamespacesAreRefused()
    {
        await using var unknown = Open(SocketIOTransports.WebSocket, "/nope");
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => unknown.ConnectAsync().WaitAsync(Timeout));
        Assert.Equal("Invalid namespace", error.Message);
    }
}
