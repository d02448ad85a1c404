using System.Net.WebSockets;
using TypedSockets.Server.Tests.EngineIO;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.EngineIOProtocol;

/// <summary>
/// Engine.IO protocol / message / WebSocket (the Engine.IO v4 suite), on the conformance host in engineio mode
/// (see <see cref="MessageOverPollingTests"/>).
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class MessageOverWebSocketTests(ConformanceHostFixture host) : IClassFixture<ConformanceHostFixture>
{
    private EngineIOTestClient Client => host.Client;

    [Fact]
    public async Task ShouldSendAndReceiveAPlainTextPacket()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "4hello");

            Assert.Equal("4hello", await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        }
    }

    [Fact]
    public async Task ShouldSendAndReceiveABinaryPacket()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await socket.SendAsync(new byte[] { 1, 2, 3, 4 }, WebSocketMessageType.Binary, true, CancellationToken.None);

            var (type, data) = await EngineIOTestClient.ReceiveAsync(socket);
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
        }
    }

    [Fact]
    public async Task ShouldCloseTheSessionUponInvalidPacketFormat()
    {
        var (socket, _) = await Client.OpenWebSocketAsync();
        using (socket)
        {
            await EngineIOTestClient.SendTextAsync(socket, "abc");

            Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOTestClient.WaitForCloseAsync(socket));
        }
    }
}
