using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / close / WebSocket.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class CloseOverWebSocketTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldForcefullyCloseTheSession()
    {
        // Pings are answered, so the close can only come from the "1" packet, not from the ping timeout.
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);

        await socket.ReceiveTextAsync(); // handshake

        await socket.SendTextAsync("1");

        await socket.WaitForCloseAsync();
    }
}
