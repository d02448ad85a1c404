using System.Text.Json;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>Connecting, events both ways and acknowledgements both ways with the npm socket.io-client.</summary>
public sealed class ConnectionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientConnectsAndReceivesTheEventTheServerEmitsOnConnection(string transport)
    {
        var connected = new Recorder<SocketIOSocket>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            connected.Add(socket);
            socket.Emit("welcome", socket.Id, socket.Namespace.Name, 42, new { nested = new[] { "a", "b" }, flag = true });
            socket.On("transport", e => e.Ack(e.Socket.Transport));
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        var connect = await client.WaitForAsync("connect", "c0");
        var welcome = await client.WaitForAsync("event", "c0", "welcome");
        var socket = await connected.WaitForAsync("the connection");

        // The client's socket.id is the id of the CONNECT reply: the server's socket id, not the Engine.IO sid.
        Assert.Equal(socket.Id, connect.String("id"));
        Assert.NotEqual(socket.ConnectionId, socket.Id);
        Assert.Equal(socket.Id, welcome.Arg(0).GetString());
        Assert.Equal("/", welcome.Arg(1).GetString());
        Assert.Equal(42, welcome.Arg(2).GetInt32());
        Assert.Equal("""{"nested":["a","b"],"flag":true}""", welcome.Arg(3).GetRawText());
        Assert.False(welcome.Json.GetProperty("ack").GetBoolean());

        if (transport == ClientTransport.Default)
        {
            // The default client starts with polling and upgrades; the server then carries the session on WebSocket.
            var upgrade = await client.WaitForAsync("upgrade", "c0");
            Assert.Equal("websocket", upgrade.String("transport"));
        }

        var expected = transport == ClientTransport.Polling ? "polling" : "websocket";
        var reply = await client.EmitWithAckAsync("c0", "transport", []);
        Assert.Equal(expected, reply.Arg(0).GetString());
        Assert.Equal(expected, socket.Transport);
        if (transport != ClientTransport.Default)
        {
            Assert.DoesNotContain(client.Observations, o => o.Type == "upgrade");
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerReceivesTheClientsEventWithEveryArgumentType(string transport)
    {
        var received = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.On("hello", e => received.Add(e.Arguments))), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.EmitAsync("c0", "hello", 1, "two", new { three = 3, list = new[] { 4, 5 } }, new object?[] { true, null }, 1.5, "ünïcødé ✓ \"quoted\"\n");
        var args = await received.WaitForAsync("the 'hello' event");

        Assert.Equal(6, args.Count);
        Assert.Equal(1, args.Get<int>(0));
        Assert.Equal("two", args.Get<string>(1));
        var payload = args.Get<Payload>(2)!;
        Assert.Equal(3, payload.Three);
        Assert.Equal([4, 5], payload.List);
        Assert.Equal([true, null], args.Get<bool?[]>(3)!);
        Assert.Equal(1.5, args.Get<double>(4));
        Assert.Equal("ünïcødé ✓ \"quoted\"\n", args.Get<string>(5));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientEmitWithAckIsAnsweredByTheServersAck(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.On("sum", e => Assert.True(e.Ack(e.GetArgument<int>(0) + e.GetArgument<int>(1), "sum", new { ok = true })))), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        // emitWithAck resolves with the first argument of the acknowledgement...
        var first = await client.EmitWithAckAsync("c0", "sum", [2, 3]);
        Assert.Equal(5, first.Arg(0).GetInt32());
        Assert.Equal(1, first.Args.GetArrayLength());

        // ...the callback form sees all of them.
        var all = await client.EmitWithAckAsync("c0", "sum", [40, 2], allArgs: true);
        Assert.Equal("""[42,"sum",{"ok":true}]""", all.Args.GetRawText());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerEmitWithAckIsAnsweredByTheClientsCallback(string transport)
    {
        var replies = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
            socket.On("ask-me", async e =>
            {
                var reply = await e.Socket.EmitWithAckAsync("question", ["what", 7], TimeSpan.FromSeconds(10));
                replies.Add(reply);
            })), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.EmitAsync("c0", "ask-me");
        var reply = await replies.WaitForAsync("the client's acknowledgement");
        var question = await client.WaitForAsync("event", "c0", "question");

        Assert.True(question.Json.GetProperty("ack").GetBoolean(), "The client should see a callback for an event emitted with an ack.");
        Assert.Equal(1, reply.Count);
        var answer = reply.Get<NodeReply>(0)!;
        Assert.Equal("c0", answer.Client);
        Assert.Equal("question", answer.Event);
        Assert.Equal("""["what",7]""", JsonSerializer.Serialize(answer.Args));
    }

    private sealed record Payload(int Three, int[] List);

    /// <summary>What client.mjs answers to an event with a callback.</summary>
    private sealed record NodeReply(string Client, string Event, JsonElement[] Args);
}
