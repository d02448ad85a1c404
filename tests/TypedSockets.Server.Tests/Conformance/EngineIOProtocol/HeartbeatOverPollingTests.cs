using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / heartbeat / HTTP long-polling (pingInterval 300 ms, pingTimeout 200 ms).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class HeartbeatOverPollingTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldSendPingPongPackets()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();

        for (var i = 0; i < 3; i++)
        {
            var pollResponse = await polling.PollAsync(sid);

            Assert.Equal(HttpStatusCode.OK, pollResponse.StatusCode);
            Assert.Equal("2", pollResponse.Body);

            var pushResponse = await polling.PushAsync(sid, "3");

            Assert.Equal(HttpStatusCode.OK, pushResponse.StatusCode);
        }
    }

    [Fact]
    public async Task ShouldCloseTheSessionUponPingTimeout()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();

        // As the suite: exactly pingInterval + pingTimeout. The deadline counts from the handshake, which the server
        // made before this client saw it, and a request past it is refused even if the timer has not fired yet.
        await Task.Delay(ConformanceServerFixture.PingInterval + ConformanceServerFixture.PingTimeout);

        var pollResponse = await polling.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, pollResponse.StatusCode);
    }
}
