using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>Beyond the suite: several namespaces on one Engine.IO connection (PROTOCOL.md, Socket.IO v5).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class MultiplexingTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldMultiplexSeveralNamespacesOnOneConnection()
    {
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings: true);
        var engineSid = Handshakes.AssertOpenPacket(await socket.ReceiveTextAsync());

        await socket.SendTextAsync("40");
        var mainSid = Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40");
        Assert.Equal("42[\"auth\",{}]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("40/custom,");
        var customSid = Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40/custom,");
        Assert.Equal("42/custom,[\"auth\",{}]", await socket.ReceiveTextAsync());

        // Each namespace socket gets its own id, and none is the Engine.IO session id.
        Assert.NotEqual(mainSid, customSid);
        Assert.NotEqual(engineSid, mainSid);
        Assert.NotEqual(engineSid, customSid);

        await socket.SendTextAsync("42/custom,[\"message\",\"to custom\"]");
        Assert.Equal("42/custom,[\"message-back\",\"to custom\"]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("42[\"message\",\"to main\"]");
        Assert.Equal("42[\"message-back\",\"to main\"]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("42/custom,7[\"message-with-ack\",\"x\"]");
        Assert.Equal("43/custom,7[\"x\"]", await socket.ReceiveTextAsync());

        await socket.SendTextAsync("427[\"message-with-ack\",\"y\"]");
        Assert.Equal("437[\"y\"]", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task ShouldWriteTheAttachmentCountBeforeTheNamespace()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await Handshakes.JoinAsync(socket, "/custom");

        await socket.SendTextAsync("451-/custom,[\"message\",{\"_placeholder\":true,\"num\":0}]");
        await socket.SendBinaryAsync(7, 8, 9);

        var packets = await socket.ReceiveIgnoringPingsAsync(2);
        Assert.Equal("451-/custom,[\"message-back\",{\"_placeholder\":true,\"num\":0}]", packets[0].Text);
        Assert.True(packets[1].IsBinary, $"the attachment must be a binary frame, got {packets[1]}");
        Assert.Equal([7, 8, 9], packets[1].Data);

        await socket.SendTextAsync("451-/custom,3[\"message-with-ack\",{\"_placeholder\":true,\"num\":0}]");
        await socket.SendBinaryAsync(10, 11);

        var ack = await socket.ReceiveIgnoringPingsAsync(2);
        Assert.Equal("461-/custom,3[{\"_placeholder\":true,\"num\":0}]", ack[0].Text);
        Assert.True(ack[1].IsBinary, $"the attachment must be a binary frame, got {ack[1]}");
        Assert.Equal([10, 11], ack[1].Data);
    }

    [Fact]
    public async Task ShouldKeepTheMainNamespaceWhenLeavingACustomNamespace()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await Handshakes.JoinAsync(socket, "/custom");

        await socket.SendTextAsync("41/custom,");
        await socket.SendTextAsync("42[\"message\",\"main still here\"]");

        // No reply to the DISCONNECT: the next frame is the echo on "/".
        Assert.Equal("42[\"message-back\",\"main still here\"]", await socket.ReceiveTextAsync());

        // "/custom" is left: a packet for it is now a protocol error that closes the connection.
        await socket.SendTextAsync("42/custom,[\"message\",\"custom is gone\"]");
        var frames = await socket.WaitForCloseAsync();
        Assert.Empty(frames);
    }
}
