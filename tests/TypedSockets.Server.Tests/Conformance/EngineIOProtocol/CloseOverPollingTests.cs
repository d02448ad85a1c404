using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>Engine.IO protocol / close / HTTP long-polling.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class CloseOverPollingTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldForcefullyCloseTheSession()
    {
        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();

        // The suite fires both requests at once; parking the GET first takes the race out of it.
        var poll = polling.PollAsync(sid);
        await Task.Delay(50);
        await polling.PushAsync(sid, "1");
        var pollResponse = await poll;

        Assert.Equal(HttpStatusCode.OK, pollResponse.StatusCode);
        Assert.Equal("6", pollResponse.Body);

        var pollResponse2 = await polling.PollAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, pollResponse2.StatusCode);
    }
}
