using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.SocketIOProtocol;

/// <summary>Socket.IO protocol / message.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class MessageTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldSendAPlainTextPacket()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42[\"message\",1,\"2\",{\"3\":[true]}]");

        var data = await socket.ReceiveTextAsync();

        Assert.Equal("42[\"message-back\",1,\"2\",{\"3\":[true]}]", data);
    }

    [Fact]
    public async Task ShouldSendAPacketWithBinaryAttachments()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await socket.SendBinaryAsync(1, 2, 3);
        await socket.SendBinaryAsync(4, 5, 6);

        var packets = await socket.ReceiveIgnoringPingsAsync(3);

        Assert.Equal("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", packets[0].Text);
        Assert.True(packets[1].IsBinary, $"attachment 0 must be a binary frame, got {packets[1]}");
        Assert.Equal([1, 2, 3], packets[1].Data);
        Assert.True(packets[2].IsBinary, $"attachment 1 must be a binary frame, got {packets[2]}");
        Assert.Equal([4, 5, 6], packets[2].Data);
    }

    [Fact]
    public async Task ShouldSendAPlainTextPacketWithAnAck()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");

        var data = await socket.ReceiveTextAsync();

        Assert.Equal("43456[1,\"2\",{\"3\":[false]}]", data);
    }

    [Fact]
    public async Task ShouldSendAPacketWithBinaryAttachmentsAndAnAck()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await socket.SendBinaryAsync(1, 2, 3);
        await socket.SendBinaryAsync(4, 5, 6);

        var packets = await socket.ReceiveIgnoringPingsAsync(3);

        Assert.Equal("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", packets[0].Text);
        Assert.True(packets[1].IsBinary, $"attachment 0 must be a binary frame, got {packets[1]}");
        Assert.Equal([1, 2, 3], packets[1].Data);
        Assert.True(packets[2].IsBinary, $"attachment 1 must be a binary frame, got {packets[2]}");
        Assert.Equal([4, 5, 6], packets[2].Data);
    }

    // Pings are answered in every case (the suite never answers and races its 500 ms heartbeat deadline):
    // the close in the three cases below can then only come from the invalid packet.

    [Fact]
    public async Task ShouldCloseTheConnectionUponInvalidFormatUnknownPacketType()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("4abc");

        await socket.WaitForCloseAsync();
    }

    [Fact]
    public async Task ShouldCloseTheConnectionUponInvalidFormatInvalidPayloadFormat()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42{}");

        await socket.WaitForCloseAsync();
    }

    [Fact]
    public async Task ShouldCloseTheConnectionUponInvalidFormatInvalidAckId()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");

        await socket.WaitForCloseAsync();
    }
}
