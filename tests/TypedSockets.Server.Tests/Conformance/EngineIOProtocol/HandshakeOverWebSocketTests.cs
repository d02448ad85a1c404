using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / handshake / WebSocket.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class HandshakeOverWebSocketTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldSuccessfullyOpenASession()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"));

        var data = await socket.ReceiveTextAsync();

        Handshakes.AssertOpenPacket(data); // "upgrades": [] on a session opened over WebSocket
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidEIOQueryParameter()
    {
        await Handshakes.AssertNoSessionOverWebSocketAsync(server.WebSocketUri("transport=websocket"));
        await Handshakes.AssertNoSessionOverWebSocketAsync(server.WebSocketUri("EIO=abc&transport=websocket"));
    }

    [Fact]
    public async Task ShouldFailWithAnInvalidTransportQueryParameter()
    {
        await Handshakes.AssertWebSocketRefusedAsync(server.WebSocketUri("EIO=4"));
        await Handshakes.AssertWebSocketRefusedAsync(server.WebSocketUri("EIO=4&transport=abc"));
    }
}
