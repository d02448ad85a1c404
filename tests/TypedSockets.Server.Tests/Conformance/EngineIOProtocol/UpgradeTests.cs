using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / upgrade.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class UpgradeTests(ConformanceServerFixture server)
{
    // The upgraded WebSockets answer pings: the checks added after each upgrade must not race the heartbeat.

    [Fact]
    public async Task ShouldSuccessfullyUpgradeFromHttpLongPollingToWebSocket()
    {
        var sid = await server.Polling.OpenSessionAsync();

        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(sid), answerPings: true);

        // send probe
        await socket.SendTextAsync("2probe");

        var probeResponse = await socket.ReceiveTextAsync();

        Assert.Equal("3probe", probeResponse);

        // complete upgrade
        await socket.SendTextAsync("5");

        // Beyond the suite: the session now lives on the WebSocket.
        await AssertSessionAnswersOnWebSocketAsync(socket);
    }

    [Fact]
    public async Task ShouldIgnoreHttpRequestsWithSameSidAfterUpgrade()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();
        await using var socket = await UpgradeAsync(sid);

        var pollResponse = await polling.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, pollResponse.StatusCode);
    }

    [Fact]
    public async Task ShouldIgnoreWebSocketConnectionWithSameSidAfterUpgrade()
    {
        var sid = await server.Polling.OpenSessionAsync();
        await using var socket = await UpgradeAsync(sid);

        var attempt = await RawWebSocket.TryConnectAsync(server.WebSocketTransportUri(sid));
        if (attempt.Socket is not null)
        {
            // The reference accepts the upgrade request, then closes that WebSocket at once.
            await using var socket2 = attempt.Socket;
            await socket2.WaitForCloseAsync();
        }

        // Beyond the suite: the upgraded session is not hurt by the intruder.
        await socket.SendTextAsync("42[\"message\",\"still upgraded\"]");
        Assert.Equal("42[\"message-back\",\"still upgraded\"]", await socket.ReceiveTextIgnoringPingsAsync());
    }

    /// <summary>
    /// Probe, upgrade, then wait until the session answers on the WebSocket: the suite sends its next request right
    /// after "5" and races the server; a CONNECT round trip on the WebSocket proves the upgrade is done.
    /// </summary>
    private async Task<RawWebSocket> UpgradeAsync(string sid)
    {
        var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(sid), answerPings: true);
        try
        {
            await socket.SendTextAsync("2probe");
            Assert.Equal("3probe", await socket.ReceiveTextAsync()); // "3probe"
            await socket.SendTextAsync("5");
            await AssertSessionAnswersOnWebSocketAsync(socket);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    private static async Task AssertSessionAnswersOnWebSocketAsync(RawWebSocket socket)
    {
        await socket.SendTextAsync("40");
        Handshakes.AssertConnectReply(await socket.ReceiveTextIgnoringPingsAsync(), "40");
        Assert.Equal("42[\"auth\",{}]", await socket.ReceiveTextIgnoringPingsAsync());
    }
}
