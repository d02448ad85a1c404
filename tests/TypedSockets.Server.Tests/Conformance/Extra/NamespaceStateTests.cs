using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: what a packet may do given the namespaces joined (socket.io <c>Client.ondecoded</c>):
/// a CONNECT for a namespace not joined joins or is refused, anything else closes the whole connection.
/// Pings are answered, so a close can only be the server's reaction to the packet.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class NamespaceStateTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldCloseTheConnectionUponAPacketForANamespaceNotJoined()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42/custom,[\"message\",\"not joined\"]");

        var frames = await socket.WaitForCloseAsync();
        Assert.Empty(frames);
    }

    [Fact]
    public async Task ShouldCloseTheConnectionUponAnEventBeforeAnyConnect()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        await socket.SendTextAsync("42[\"message\",\"not joined\"]");

        var frames = await socket.WaitForCloseAsync(TimeSpan.FromMilliseconds(700)); // before the 1000 ms connect timeout
        Assert.Empty(frames);
    }

    [Theory]
    [InlineData("40", "40")]
    [InlineData("40/custom,", "40/custom,{\"token\":\"again\"}")]
    public async Task ShouldCloseTheConnectionUponAConnectForANamespaceAlreadyJoined(string firstConnect, string secondConnect)
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());
        await socket.SendTextAsync(firstConnect);
        Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), firstConnect);
        await socket.ReceiveTextAsync(); // auth

        await socket.SendTextAsync(secondConnect);

        var frames = await socket.WaitForCloseAsync();
        Assert.Empty(frames);
    }

    [Fact]
    public async Task ShouldNotAnswerAClientDisconnectAndLetTheNamespaceBeJoinedAgain()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());
        await socket.SendTextAsync("40");
        var firstSid = Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40");
        Assert.Equal("42[\"auth\",{}]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("41");

        // The reference handles a DISCONNECT on the next tick, so a CONNECT in the same read still finds the
        // namespace joined and closes the connection: give the DISCONNECT time to land (and any wrong reply to show).
        await Task.Delay(50);
        await socket.SendTextAsync("40{\"token\":\"back\"}");

        // Nothing answers the DISCONNECT: the next frame is the reply to the new CONNECT, with a new socket id.
        var secondSid = Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40");
        Assert.NotEqual(firstSid, secondSid);
        Assert.Equal("42[\"auth\",{\"token\":\"back\"}]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("42[\"message\",\"joined again\"]");
        Assert.Equal("42[\"message-back\",\"joined again\"]", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task ShouldKeepTheSessionAfterAConnectErrorForAnUnknownNamespace()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        // Refused before any namespace is joined: the Engine.IO session stays and "/" can still be joined.
        await socket.SendTextAsync("40/random,");
        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("40");
        Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40");
        Assert.Equal("42[\"auth\",{}]", await socket.ReceiveTextAsync());

        // Refused while "/" is joined: "/" keeps working.
        await socket.SendTextAsync("40/random,{\"token\":\"x\"}");
        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("42[\"message\",\"after refusal\"]");
        Assert.Equal("42[\"message-back\",\"after refusal\"]", await socket.ReceiveTextAsync());
    }
}
