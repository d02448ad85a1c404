using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>
/// A WebSocket message is read into the socket's 256-byte buffer and continues in a pooled buffer when longer: every
/// length around those boundaries arrives whole, text and binary, and the size limit holds for short messages too.
/// </summary>
[Collection(EngineIOCollection.Name)]
public sealed class EngineIOWebSocketMessageSizeTests
{
    [Fact]
    public async Task MessagesOfEveryLengthAroundTheBufferSizesArriveWhole()
    {
        var handler = new EchoHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var (socket, _) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            int[] lengths = [0, 1, 254, 255, 256, 257, 511, 4094, 4095, 4096, 4097, 8193, 70_000, 3];
            foreach (var length in lengths)
            {
                var text = "4" + Pattern(length);
                await EngineIOTestClient.SendTextAsync(socket, text);
                Assert.Equal(text, await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));

                var binary = Encoding.ASCII.GetBytes(Pattern(length + 1));
                await socket.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
                var (type, data) = await EngineIOTestClient.ReceiveAsync(socket);
                Assert.Equal(WebSocketMessageType.Binary, type);
                Assert.Equal(binary, data);
            }
        }
    }

    [Fact]
    public async Task AMessageSplitIntoManyFramesArrivesWhole()
    {
        var handler = new EchoHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, QuietHeartbeat);
        var (socket, _) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            var text = "4" + Pattern(1_000);
            var bytes = Encoding.ASCII.GetBytes(text);
            for (var offset = 0; offset < bytes.Length; offset += 100)
            {
                var end = Math.Min(offset + 100, bytes.Length);
                await socket.SendAsync(bytes.AsMemory(offset, end - offset), WebSocketMessageType.Text, end == bytes.Length, CancellationToken.None);
            }

            Assert.Equal(text, await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(300)]
    [InlineData(5000)]
    public async Task AMessageOverTheLimitClosesWith1009WhateverItsLength(int limit)
    {
        var handler = new EchoHandler();
        await using var host = await EngineIOTestHost.StartAsync(handler, o =>
        {
            QuietHeartbeat(o);
            o.MaxHttpBufferSize = limit;
        });
        var (socket, _) = await host.Client.OpenWebSocketAsync();
        using (socket)
        {
            var fits = "4" + Pattern(limit - 1);
            await EngineIOTestClient.SendTextAsync(socket, fits);
            Assert.Equal(fits, await EngineIOTestClient.ReceiveSkippingPingsAsync(socket));

            await EngineIOTestClient.SendTextAsync(socket, "4" + Pattern(limit));

            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await EngineIOTestClient.WaitForCloseAsync(socket));
        }
    }

    private static void QuietHeartbeat(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromSeconds(25);
        options.PingTimeout = TimeSpan.FromSeconds(20);
    }

    private static string Pattern(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append((char)('a' + (i * 7 % 26)));
        }

        return builder.ToString();
    }

    /// <summary>Sends every message back as it came.</summary>
    private sealed class EchoHandler : IEngineConnectionHandler
    {
        public void OnOpen(EngineConnection connection)
        {
        }

        public void OnMessage(EngineConnection connection, in ReadOnlySequence<byte> data, bool isBinary) =>
            connection.TrySend(new EngineMessage(data.ToArray(), isBinary));

        public void OnClose(EngineConnection connection, string reason, Exception? error)
        {
        }
    }
}
