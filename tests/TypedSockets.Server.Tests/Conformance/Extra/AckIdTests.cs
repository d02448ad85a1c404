using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: how the reference decoder reads an ack id (the digit run after the namespace, read as a
/// JavaScript number) and which event names it accepts.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class AckIdTests(ConformanceServerFixture server)
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("007", "7")]                              // leading zeros: Number("007") is 7
    [InlineData("2147483648", "2147483648")]              // past Int32
    [InlineData("9007199254740991", "9007199254740991")]  // Number.MAX_SAFE_INTEGER
    public async Task ShouldAnswerWithTheAckIdAsANumber(string sentId, string answeredId)
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42" + sentId + "[\"message-with-ack\",\"id\"]");

        Assert.Equal("43" + answeredId + "[\"id\"]", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task ShouldAcceptAnEventNamedByANumber()
    {
        // EVENT payloads whose first element is a number are valid; nothing listens to it, the connection stays.
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42[1,\"numeric name\"]");
        await socket.SendTextAsync("42[\"message\",\"after numeric\"]");

        Assert.Equal("42[\"message-back\",\"after numeric\"]", await socket.ReceiveTextAsync());
    }
}
