using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: a Socket.IO session moving from polling to WebSocket the way socket.io-client does it,
/// with a GET parked during the probe and packets produced while the upgrade is under way.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class UpgradeWithSocketIOTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldMoveAConnectedSessionToTheWebSocket()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();
        await polling.PushOkAsync(sid, "40");
        var connect = await polling.ReceivePacketsAsync(sid, 2);
        var socketSid = Handshakes.AssertConnectReply(connect.Packets[0], "40");

        var parked = polling.PollAsync(sid);
        await Task.Delay(50);
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(sid), answerPings: true);
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());

        // The parked GET is released with a noop so the client can pause polling.
        var released = await parked;
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Contains("6", PollingClient.Split(released.Body));

        await socket.SendTextAsync("5");
        await socket.SendTextAsync("42[\"message\",\"over websocket\"]");
        Assert.Equal("42[\"message-back\",\"over websocket\"]", await socket.ReceiveTextAsync());

        // Same namespace socket as before the upgrade: joining "/" again is a protocol error that closes.
        await socket.SendTextAsync("40");
        Assert.Empty(await socket.WaitForCloseAsync());
        Assert.False(string.IsNullOrEmpty(socketSid));
    }

    [Fact]
    public async Task ShouldFlushPacketsProducedDuringTheUpgradeOnTheWebSocket()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();
        await polling.PushOkAsync(sid, "40");
        await polling.ReceivePacketsAsync(sid, 2);

        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(sid), answerPings: true);
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());

        // Still on polling until "5": the answer has nowhere to go and waits in the session's buffer.
        await polling.PushOkAsync(sid, "42[\"message\",\"during upgrade\"]");
        await Task.Delay(50);
        await socket.SendTextAsync("5");

        Assert.Equal("42[\"message-back\",\"during upgrade\"]", await socket.ReceiveTextAsync());
    }
}
