using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / heartbeat / WebSocket (pingInterval 300 ms, pingTimeout 200 ms).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class HeartbeatOverWebSocketTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldSendPingPongPackets()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri());

        await socket.ReceiveTextAsync(); // handshake

        for (var i = 0; i < 3; i++)
        {
            var data = await socket.ReceiveTextAsync();

            Assert.Equal("2", data);

            await socket.SendTextAsync("3");
        }
    }

    [Fact]
    public async Task ShouldCloseTheSessionUponPingTimeout()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri());

        var framesBeforeClose = await socket.WaitForCloseAsync();

        // Beyond the suite: the close follows an unanswered ping, it is not an immediate drop.
        Assert.Contains(framesBeforeClose, frame => frame.Text == "2");
    }
}
