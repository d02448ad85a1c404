using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.SocketIOProtocol;

/// <summary>Socket.IO protocol / connect.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class ConnectTests(ConformanceServerFixture server)
{
    // Pings are answered (and so never buffered) except where the heartbeat is what closes the connection:
    // the suite does not answer them and relies on finishing within its 500 ms heartbeat deadline.

    [Fact]
    public async Task ShouldAllowConnectionToTheMainNamespace()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("40");

        var data = await socket.ReceiveTextAsync();

        Handshakes.AssertConnectReply(data, "40");

        var authPacket = await socket.ReceiveTextAsync();

        Assert.Equal("42[\"auth\",{}]", authPacket);
    }

    [Fact]
    public async Task ShouldAllowConnectionToTheMainNamespaceWithAPayload()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("40{\"token\":\"123\"}");

        var data = await socket.ReceiveTextAsync();

        Handshakes.AssertConnectReply(data, "40");

        var authPacket = await socket.ReceiveTextAsync();

        Assert.Equal("42[\"auth\",{\"token\":\"123\"}]", authPacket);
    }

    [Fact]
    public async Task ShouldAllowConnectionToACustomNamespace()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("40/custom,");

        var data = await socket.ReceiveTextAsync();

        Handshakes.AssertConnectReply(data, "40/custom,");

        var authPacket = await socket.ReceiveTextAsync();

        Assert.Equal("42/custom,[\"auth\",{}]", authPacket);
    }

    [Fact]
    public async Task ShouldAllowConnectionToACustomNamespaceWithAPayload()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("40/custom,{\"token\":\"abc\"}");

        var data = await socket.ReceiveTextAsync();

        Handshakes.AssertConnectReply(data, "40/custom,");

        var authPacket = await socket.ReceiveTextAsync();

        Assert.Equal("42/custom,[\"auth\",{\"token\":\"abc\"}]", authPacket);
    }

    [Fact]
    public async Task ShouldDisallowConnectionToAnUnknownNamespace()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("40/random");

        var data = await socket.ReceiveTextAsync();

        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", data);
    }

    [Fact]
    public async Task ShouldDisallowConnectionWithAnInvalidHandshake()
    {
        // Pings are answered, so only the invalid packet or the 1000 ms connect timeout can close the
        // connection; the deadline below the connect timeout leaves the invalid packet as the only cause.
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // Engine.IO handshake

        await socket.SendTextAsync("4abc");

        await socket.WaitForCloseAsync(TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task ShouldCloseTheConnectionIfNoHandshakeIsReceived()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri());

        await socket.WaitForCloseAsync();
    }
}
