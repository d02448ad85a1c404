using System.Net.WebSockets;
using System.Text;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.MessagePack.Tests;

/// <summary>Malformed msgpack over a real WebSocket closes that session only; its neighbours keep working.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private MessagePackTestServer? _server;

    public async Task InitializeAsync() => _server = await MessagePackTestServer.StartAsync();

    public async Task DisposeAsync() => await _server!.DisposeAsync();

    public static readonly TheoryData<string, string?> BadMessages = new()
    {
        // name, hex (null: a text message)
        { "2 GB bin header in a 20-byte frame", "83a47479706502a46461746192a161c67fffffff" },
        { "truncated map", "83a47479706502a464617461" },
        { "binary event type 5", "83a47479706505a46461746191a3666f6fa36e7370a12f" },
        { "ack id as a string", "84a26964a131a47479706503a46461746190a36e7370a12f" },
        { "event for a namespace not joined", "83a47479706502a46461746191a3666f6fa36e7370a62f61646d696e" },
        { "a JSON text packet", null },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task ABadMessageClosesOnlyItsOwnSession(string name, string? hex)
    {
        Assert.NotNull(name);
        using var good = await ConnectAsync();
        using var bad = await ConnectAsync();

        if (hex is null)
        {
            await bad.SendAsync(Encoding.UTF8.GetBytes("42[\"echo\",1]"), WebSocketMessageType.Text, true, default);
        }
        else
        {
            await bad.SendAsync(Convert.FromHexString(hex), WebSocketMessageType.Binary, true, default);
        }

        // The bad session ends: the server closes the WebSocket (an Engine.IO close may come first).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do
        {
            result = await bad.ReceiveAsync(buffer, cts.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        // The good one still gets its ack.
        await good.SendAsync(MessagePackSocketIOParser.Default.EncodeEvent("/", "ack-me", ["still here"], ackId: 1).Payload, WebSocketMessageType.Binary, true, default);
        var ack = await ReceivePacketAsync(good);
        Assert.Equal(SocketIOPacketType.Ack, ack.Type);
        Assert.Equal(1, ack.AckId);
        Assert.Equal("still here", ack.Data!.Get<string>(0));
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_server!.Url.Replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"), default);
        var open = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Text, open.Type);
        Assert.StartsWith("0{", Encoding.UTF8.GetString(open.Data));
        await socket.SendAsync(MessagePackSocketIOParser.Default.EncodeClientConnect("/", null).Payload, WebSocketMessageType.Binary, true, default);
        var reply = await ReceivePacketAsync(socket);
        Assert.Equal(SocketIOPacketType.Connect, reply.Type);
        return socket;
    }

    private static async Task<SocketIOPacket> ReceivePacketAsync(ClientWebSocket socket)
    {
        while (true)
        {
            var message = await ReceiveAsync(socket);
            if (message.Type == WebSocketMessageType.Binary)
            {
                Assert.True(MessagePackSocketIOParser.Default.CreateDecoder().TryDecode(new System.Buffers.ReadOnlySequence<byte>(message.Data), true, out var packet));
                return packet!;
            }

            // Engine.IO pings (text "2") may come in between: answer them.
            if (Encoding.UTF8.GetString(message.Data) == "2")
            {
                await socket.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, default);
            }
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var stream = new MemoryStream();
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cts.Token);
            stream.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (result.MessageType, stream.ToArray());
    }
}
