using System.Diagnostics;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: its "no handshake" case is closed by the ping timeout (500 ms) before the connect timeout
/// (1000 ms) can act. Here pings are answered, so only the connect timeout can close the connection.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class ConnectTimeoutTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldCloseTheConnectionAfterTheConnectTimeoutWhenHeartbeatsAreAnswered()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        var clock = Stopwatch.StartNew();
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        var frames = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(3));
        var elapsed = clock.ElapsedMilliseconds;

        Assert.Empty(frames);
        Assert.True(
            elapsed >= ConformanceServerFixture.ConnectTimeout - 200,
            $"Closed after {elapsed} ms, before the {ConformanceServerFixture.ConnectTimeout} ms connect timeout.\nTranscript:\n{socket.Transcript}");
    }

    [Fact]
    public async Task ShouldNotCloseAConnectionThatJoinedANamespaceInTime()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await Task.Delay(ConformanceServerFixture.ConnectTimeout + 300);

        await socket.SendTextAsync("42[\"message\",\"still connected\"]");
        Assert.Equal("42[\"message-back\",\"still connected\"]", await socket.ReceiveTextAsync());
    }
}
