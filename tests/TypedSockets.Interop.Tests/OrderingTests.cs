using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Bursts of text and binary events both ways: nothing is lost, duplicated or reordered, whether the packets share
/// a polling payload, travel one per WebSocket frame, or cross the upgrade from polling to WebSocket.
/// </summary>
public sealed class OrderingTests(ITestOutputHelper output)
{
    private const int BurstSize = 300;

    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerBurstOfTextAndBinaryEventsArrivesCompleteAndInOrder(string transport)
    {
        // Emitted right on connection: with the default client this overlaps the upgrade to WebSocket.
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            for (var i = 0; i < BurstSize; i++)
            {
                if (i % 2 == 0)
                {
                    socket.Emit("seq", i, new string('x', i % 50));
                }
                else
                {
                    socket.Emit("seq", i, BytesFor(i));
                }
            }
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        var events = await client.WaitForCountAsync(o => o.Is("event", "c0", "seq"), BurstSize, "the whole burst", TimeSpan.FromSeconds(20));

        for (var i = 0; i < BurstSize; i++)
        {
            Assert.Equal(i, events[i].Arg(0).GetInt32());
            if (i % 2 == 0)
            {
                Assert.Equal(new string('x', i % 50), events[i].Arg(1).GetString());
            }
            else
            {
                Assert.Equal(BytesFor(i), events[i].Arg(1).GetBinary());
            }
        }

        await client.AssertNoneDuringAsync(o => o.Is("event", "c0", "seq") && o.Index > events[^1].Index, TimeSpan.FromMilliseconds(200), "duplicate events");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientBurstOfTextAndBinaryEventsArrivesCompleteAndInOrder(string transport)
    {
        var received = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket => socket.On("seq", e => received.Add(e.Arguments))), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        // Queued before the connection completes (the client buffers them), then sent as fast as Node reads stdin.
        for (var i = 0; i < BurstSize; i++)
        {
            await client.EmitAsync("c0", "seq", i, i % 2 == 0 ? new string('y', i % 50) : NodeJson.Buffer(BytesFor(i)));
        }

        var events = await received.WaitForCountAsync(BurstSize, "the whole burst", timeout: TimeSpan.FromSeconds(20));
        for (var i = 0; i < BurstSize; i++)
        {
            Assert.Equal(i, events[i].Get<int>(0));
            if (i % 2 == 0)
            {
                Assert.Equal(new string('y', i % 50), events[i].Get<string>(1));
            }
            else
            {
                Assert.Equal(BytesFor(i), events[i].Get<byte[]>(1));
            }
        }

        // Sentinel instead of a sleep: one more event on the same ordered connection; anything extra would come before it.
        await client.EmitAsync("c0", "seq", BurstSize, "sentinel");
        await received.WaitForCountAsync(BurstSize + 1, "the sentinel", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(BurstSize + 1, received.Items.Count);
        Assert.Equal(BurstSize, received.Items[BurstSize].Get<int>(0));
    }

    private static byte[] BytesFor(int i) => [.. Enumerable.Range(0, 1 + i % 17).Select(k => (byte)(i + k))];
}
