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

        // The suite sleeps exactly pingInterval + pingTimeout; 100 ms more keeps the check off the timer's edge.
        await Task.Delay(ConformanceServerFixture.PingInterval + ConformanceServerFixture.PingTimeout + 100);

        var pollResponse = await polling.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, pollResponse.StatusCode);
    }
}
