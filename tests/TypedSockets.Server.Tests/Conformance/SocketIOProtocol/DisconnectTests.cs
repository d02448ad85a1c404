using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.SocketIOProtocol;

/// <summary>Socket.IO protocol / disconnect.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class DisconnectTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldDisconnectFromTheMainNamespace()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server);

        await socket.SendTextAsync("41");

        // No reply to a client DISCONNECT: the next thing on the wire is the server's ping.
        var data = await socket.ReceiveTextAsync();

        Assert.Equal("2", data);
    }

    [Fact]
    public async Task ShouldConnectThenDisconnectFromACustomNamespace()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server);

        Assert.Equal("2", await socket.ReceiveTextAsync()); // ping

        await socket.SendTextAsync("40/custom");

        Handshakes.AssertConnectReply(await socket.ReceiveTextAsync(), "40/custom,"); // Socket.IO handshake
        Assert.Equal("42/custom,[\"auth\",{}]", await socket.ReceiveTextAsync()); // auth packet

        await socket.SendTextAsync("41/custom");
        await socket.SendTextAsync("42[\"message\",\"message to main namespace\"]");

        var data = await socket.ReceiveTextAsync();

        Assert.Equal("42[\"message-back\",\"message to main namespace\"]", data);
    }
}
