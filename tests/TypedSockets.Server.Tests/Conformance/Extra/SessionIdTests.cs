using System.Net;
using System.Text.Json;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>Beyond the suite: requests for a session that does not exist (engine.io <c>verify</c>, error code 1).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SessionIdTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldAnswerAnUnknownSessionIdWithError1OverPolling()
    {
        var polling = server.Polling;

        var get = await polling.PollAsync("unknown-sid");
        var post = await polling.PushAsync("unknown-sid", "40");

        foreach (var response in new[] { get, post })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("application/json", response.ContentType);
            using var error = JsonDocument.Parse(response.Body);
            Assert.Equal(1, error.RootElement.GetProperty("code").GetInt32());
            Assert.Equal("Session ID unknown", error.RootElement.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task ShouldRefuseAWebSocketWithAnUnknownSessionId()
    {
        await Handshakes.AssertWebSocketRefusedAsync(server.WebSocketTransportUri("unknown-sid"));
    }

    [Fact]
    public async Task ShouldRefuseASessionIdUsedOnTheOtherTransportWithoutUpgrade()
    {
        // A WebSocket session's sid used for polling: code 3 "Bad request" (transport mismatch).
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        var sid = Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        var poll = await server.Polling.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
        using var error = JsonDocument.Parse(poll.Body);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("Bad request", error.RootElement.GetProperty("message").GetString());
    }
}
