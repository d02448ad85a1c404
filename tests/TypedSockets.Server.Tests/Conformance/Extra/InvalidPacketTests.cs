using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: every packet the reference decoder (socket.io-parser <c>Decoder</c>) or dispatcher
/// (socket.io <c>Client.ondecoded</c>) rejects closes the connection that sent it, and only that one.
/// Both connections answer pings, so a close can only be the reaction to the bad packet.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class InvalidPacketTests(ConformanceServerFixture server)
{
    public static TheoryData<string> InvalidTextPackets => new()
    {
        "4abc",                                   // unknown packet type
        "49[\"message\"]",                        // unknown packet type (digit)
        "42{}",                                   // EVENT payload is not an array
        "42\"message\"",                          // EVENT payload is not an array
        "42abc[\"message\"]",                     // invalid ack id
        "42[]",                                   // EVENT with an empty array
        "42[null]",                               // EVENT name neither a string nor a number
        "42[{\"a\":1}]",                          // EVENT name neither a string nor a number
        "42[\"connect\"]",                        // reserved event names
        "42[\"connect_error\"]",
        "42[\"disconnect\"]",
        "42[\"disconnecting\"]",
        "42[\"newListener\"]",
        "42[\"removeListener\"]",
        "42[\"message\"",                         // truncated JSON
        "41{}",                                   // DISCONNECT carries no payload
        "431{}",                                  // ACK payload is not an array
        "40/custom,\"abc\"",                      // CONNECT payload is not an object
        "40/custom,[1]",                          // CONNECT payload is not an object
        "44{\"message\":\"from the client\"}",   // CONNECT_ERROR is server to client only
        "45[\"message\"]",                        // BINARY_EVENT without its attachment count
        "4511-" + EventWithPlaceholders(11),      // more than maxAttachments (10)
    };

    [Theory]
    [MemberData(nameof(InvalidTextPackets))]
    public async Task ShouldCloseOnlyTheConnectionThatSentAnInvalidPacket(string packet)
    {
        await using var offender = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await using var bystander = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await offender.SendTextAsync(packet);

        var frames = await offender.WaitForCloseAsync();
        Assert.Empty(frames);
        await AssertStillEchoesAsync(bystander);
    }

    [Fact]
    public async Task ShouldAcceptTenAttachments()
    {
        // The other side of the maxAttachments bound: 10 is allowed (so the 11 case above fails for the right reason).
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("4510-" + EventWithPlaceholders(10));
        for (byte i = 0; i < 10; i++)
        {
            await socket.SendBinaryAsync(i);
        }

        var frames = await socket.ReceiveIgnoringPingsAsync(11);
        Assert.Equal("4510-" + EventWithPlaceholders(10).Replace("[\"message\"", "[\"message-back\"", StringComparison.Ordinal), frames[0].Text);
        for (byte i = 0; i < 10; i++)
        {
            Assert.True(frames[i + 1].IsBinary, $"attachment {i} must be a binary frame, got {frames[i + 1]}");
            Assert.Equal([i], frames[i + 1].Data);
        }
    }

    [Fact]
    public async Task ShouldCloseOnlyTheConnectionThatSentAnAttachmentWithoutAHeader()
    {
        await using var offender = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await using var bystander = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await offender.SendBinaryAsync(1, 2, 3);

        var frames = await offender.WaitForCloseAsync();
        Assert.Empty(frames);
        await AssertStillEchoesAsync(bystander);
    }

    [Fact]
    public async Task ShouldCloseOnlyTheConnectionThatSentTextWhileAttachmentsWereDue()
    {
        await using var offender = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await using var bystander = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await offender.SendTextAsync("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
        await offender.SendTextAsync("42[\"message\",\"between header and attachment\"]");

        var frames = await offender.WaitForCloseAsync();
        Assert.Empty(frames);
        await AssertStillEchoesAsync(bystander);
    }

    [Fact]
    public async Task ShouldCloseOnlyTheConnectionThatSentAPlaceholderWithoutItsAttachment()
    {
        // One attachment announced, placeholder number 1: the reference's reconstructPacket throws "illegal attachments".
        await using var offender = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await using var bystander = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await offender.SendTextAsync("451-[\"message\",{\"_placeholder\":true,\"num\":1}]");
        await offender.SendBinaryAsync(1, 2, 3);

        var frames = await offender.WaitForCloseAsync();
        Assert.Empty(frames);
        await AssertStillEchoesAsync(bystander);
    }

    private static string EventWithPlaceholders(int count) =>
        "[\"message\"" + string.Concat(Enumerable.Range(0, count).Select(i => ",{\"_placeholder\":true,\"num\":" + i + "}")) + "]";

    private static async Task AssertStillEchoesAsync(RawWebSocket bystander)
    {
        await bystander.SendTextAsync("42[\"message\",\"still here\"]");
        Assert.Equal("42[\"message-back\",\"still here\"]", await bystander.ReceiveTextAsync());
    }
}
