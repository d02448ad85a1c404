using System.Net;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite (its Socket.IO half runs on WebSocket only): Socket.IO over HTTP long-polling, where packets
/// travel in <c>\x1e</c>-separated payloads and a binary attachment is <c>b</c> + base64.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class PollingTransportTests(ConformanceServerFixture server)
{
    private const string Separator = "\x1e";

    [Fact]
    public async Task ShouldBatchAnEventAndAnAckInOnePollingPayload()
    {
        var polling = server.Polling;
        var sid = await OpenSocketIOOverPollingAsync(polling);

        await polling.PushOkAsync(sid, "42[\"message\",\"a\"]" + Separator + "421[\"message-with-ack\",\"b\"]");
        await Task.Delay(100); // both answers are queued before the GET: the reference sends them in one payload

        var received = await polling.ReceivePacketsAsync(sid, 2);

        Assert.Equal(["42[\"message-back\",\"a\"]", "431[\"b\"]"], received.Packets);
        Assert.True(
            received.Payloads.Any(p => p.Contains("42[\"message-back\",\"a\"]" + Separator + "431[\"b\"]", StringComparison.Ordinal)),
            $"Expected both packets in one payload joined by \\x1e.\nTranscript:\n{polling.Transcript}");
    }

    [Fact]
    public async Task ShouldCarryABinaryEventAndItsAttachmentInOnePollingPost()
    {
        var polling = server.Polling;
        var sid = await OpenSocketIOOverPollingAsync(polling);

        await polling.PushOkAsync(sid, "451-[\"message\",{\"_placeholder\":true,\"num\":0}]" + Separator + "bAQID");

        var received = await polling.ReceivePacketsAsync(sid, 2);

        Assert.Equal(["451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID"], received.Packets);
    }

    [Fact]
    public async Task ShouldReassembleABinaryEventSentAcrossTwoPollingPosts()
    {
        // The decoder keeps waiting for the attachment from one POST to the next.
        var polling = server.Polling;
        var sid = await OpenSocketIOOverPollingAsync(polling);

        await polling.PushOkAsync(sid, "451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
        await polling.PushOkAsync(sid, "bAQID");

        var received = await polling.ReceivePacketsAsync(sid, 2);

        Assert.Equal(["451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID"], received.Packets);
    }

    [Fact]
    public async Task ShouldCarryABinaryAckOverPolling()
    {
        var polling = server.Polling;
        var sid = await OpenSocketIOOverPollingAsync(polling);

        await polling.PushOkAsync(
            sid,
            "452-9[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]" + Separator + "bAQID" + Separator + "bBAUG");

        var received = await polling.ReceivePacketsAsync(sid, 3);

        Assert.Equal(["462-9[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "bAQID", "bBAUG"], received.Packets);
    }

    [Fact]
    public async Task ShouldCloseAPollingSessionUponAnInvalidPacket()
    {
        var polling = server.Polling;
        var sid = await OpenSocketIOOverPollingAsync(polling);

        await polling.PushAsync(sid, "42{}");

        // The reference answers the next GET with a close packet "1" (or the session is already gone: 400)...
        var closed = false;
        for (var i = 0; i < 3 && !closed; i++)
        {
            var poll = await polling.PollAsync(sid);
            closed = poll.StatusCode == HttpStatusCode.BadRequest
                || (poll.StatusCode == HttpStatusCode.OK && PollingClient.Split(poll.Body).Contains("1"));
            if (!closed && PollingClient.Split(poll.Body).Contains("2"))
            {
                await polling.PushAsync(sid, "3");
            }
        }

        Assert.True(closed, $"The session was not closed.\nTranscript:\n{polling.Transcript}");

        // ...and after that the sid is unknown.
        var after = await polling.PollAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    /// <summary>Polling handshake, CONNECT to "/", and its two answers (pings answered on the way).</summary>
    private static async Task<string> OpenSocketIOOverPollingAsync(PollingClient polling)
    {
        var sid = await polling.OpenSessionAsync();
        await polling.PushOkAsync(sid, "40");
        var received = await polling.ReceivePacketsAsync(sid, 2);
        Handshakes.AssertConnectReply(received.Packets[0], "40");
        Assert.Equal("42[\"auth\",{}]", received.Packets[1]);
        return sid;
    }
}
