using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: its "no handshake" case is closed by the ping timeout (500 ms) before the connect timeout
/// (1000 ms) can act. Here pings are answered, so only the connect timeout can close the connection. When it fires
/// (not before the timeout, and never for a connection that joined in time) is checked on a fake clock in
/// <c>SocketIOServerTests.AConnectionThatJoinsNoNamespaceInTimeIsClosed</c>.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class ConnectTimeoutTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldCloseTheConnectionAfterTheConnectTimeoutWhenHeartbeatsAreAnswered()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        var frames = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(frames);
    }
}
