using System.Net;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>
/// Engine.IO protocol / message / HTTP long-polling (the Engine.IO v4 suite, docs/engine.io-protocol/v4-test-suite).
/// The suite echoes raw Engine.IO messages, so these cases run on the conformance host in engineio mode (echo handler,
/// same heartbeat and maxPayload), in-process even when <c>CONFORMANCE_SERVER_URL</c> is set.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class MessageOverPollingTests(ConformanceHostFixture host) : IClassFixture<ConformanceHostFixture>
{
    private EngineIOTestClient Client => host.Client;

    [Theory]
    [InlineData("4hello")]
    [InlineData("4test1\u001e4test2\u001e4test3")]
    [InlineData("4hello\u001ebAQIDBA==")]
    public async Task ShouldSendAndReceiveAPayload(string payload)
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal((HttpStatusCode.OK, "ok"), await Client.PostAsync(sid, payload));
        Assert.Equal((HttpStatusCode.OK, payload), await Client.PollSkippingPingsAsync(sid));
    }

    [Fact]
    public async Task ShouldCloseTheSessionUponInvalidPacketFormat()
    {
        var sid = await Client.OpenPollingAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync(sid, "abc")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
    }

    [Fact]
    public Task ShouldCloseTheSessionUponDuplicatePollRequests() => EngineIOTestClient.RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);

        var first = Client.PollAsync(sid);
        // Part of the scenario (black box: nothing tells the client the GET is parked): the first GET goes out first.
        await Task.Delay(20);
        using var second = await Client.Http.GetAsync(Client.PollingUrl(sid, "&t=burst")).WaitAsync(EngineIOTestClient.Timeout);
        using var firstResponse = await first.WaitAsync(EngineIOTestClient.Timeout);
        var content = await firstResponse.Content.ReadAsStringAsync();
        if (content == "2")
        {
            return false;
        }

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("1", content);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        return true;
    });

    [Fact]
    public Task ShouldCloseTheSessionUponCancelledPollingRequest() => EngineIOTestClient.RetryWhenAPingAnswersFirstAsync(async () =>
    {
        var sid = await Client.OpenPollingAsync();
        await Client.AwaitPingAndPongAsync(sid);
        using var cancel = new CancellationTokenSource();

        var poll = Client.PollAsync(sid, cancel.Token);
        // Part of the scenario: the GET reaches the server before it is cancelled.
        await Task.Delay(20);
        cancel.Cancel();
        try
        {
            (await poll).Dispose();
            return false; // answered (by a ping) before the cancellation
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PollTextAsync(sid)).Status);
        return true;
    });
}
