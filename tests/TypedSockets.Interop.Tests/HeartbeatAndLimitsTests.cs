using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>The Engine.IO heartbeat and payload limits as the npm client experiences them.</summary>
public sealed class HeartbeatAndLimitsTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task IdleConnectionIsKeptAliveByTheHeartbeat(string transport)
    {
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(socket =>
            {
                socket.OnDisconnect(reasons.Add);
                socket.On("still-there", e => e.Ack("yes"));
            }),
            output,
            o =>
            {
                // Short enough for several heartbeats in the test, with a timeout that tolerates a loaded machine.
                o.PingInterval = TimeSpan.FromMilliseconds(300);
                o.PingTimeout = TimeSpan.FromMilliseconds(2000);
            });
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.WaitForAsync("connect", "c0");

        // Several ping intervals without traffic: the client must answer every ping, and expects the next one in time.
        await client.AssertNoneDuringAsync(o => o.Type is "disconnect" or "reconnect_attempt", TimeSpan.FromSeconds(2.5), "disconnection of an idle client");
        Assert.Empty(reasons.Items);
        Assert.Equal("yes", (await client.EmitWithAckAsync("c0", "still-there", [])).Arg(0).GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task LargeEventsBeyondMaxPayloadArriveCompleteAndInOrderBothWays(string transport)
    {
        // 40 events of 60 KB each way: 2.4 MB, well over the announced maxPayload (1 MB), so a polling client splits
        // its POSTs, and the server's GET answers carry large batches.
        const int count = 40;
        var chunk = new string('q', 60_000);
        var received = new Recorder<SocketIOArguments>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            socket.On("up", e => received.Add(e.Arguments));
            socket.On("send-down", e =>
            {
                for (var i = 0; i < count; i++)
                {
                    e.Socket.Emit("down", i, chunk);
                }
            });
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);
        await client.WaitForAsync("connect", "c0");

        for (var i = 0; i < count; i++)
        {
            await client.EmitAsync("c0", "up", i, chunk);
        }

        var ups = await received.WaitForCountAsync(count, "every large event from the client", timeout: TimeSpan.FromSeconds(20));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, ups[i].Get<int>(0));
            Assert.Equal(chunk, ups[i].Get<string>(1));
        }

        await client.EmitAsync("c0", "send-down");
        var downs = await client.WaitForCountAsync(o => o.Is("event", "c0", "down"), count, "every large event from the server", TimeSpan.FromSeconds(20));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, downs[i].Arg(0).GetInt32());
            Assert.Equal(chunk, downs[i].Arg(1).GetString());
        }

        Assert.DoesNotContain(client.Observations, o => o.Type == "disconnect");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OversizedEventClosesTheConnectionAndTheClientReconnects(string transport)
    {
        var received = new Recorder<string>();
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(socket =>
            {
                socket.OnDisconnect(reasons.Add);
                socket.OnAny(e =>
                {
                    received.Add(e.Name);
                    return ValueTask.CompletedTask;
                });
            }),
            output,
            o => o.MaxHttpBufferSize = 10_000);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: new { reconnectionDelay = 100, reconnectionDelayMax = 200 });

        await client.WaitForAsync("connect", "c0");
        if (transport == ClientTransport.Default)
        {
            await client.WaitForAsync("upgrade", "c0");
        }

        await client.EmitAsync("c0", "too-big", new string('z', 20_000));

        // As with the reference server: polling gets 413 ("transport error" on the client), WebSocket is closed
        // with 1009 ("transport close"); either way the client reconnects.
        var disconnect = await client.WaitForAsync("disconnect", "c0");
        var expected = transport == ClientTransport.Polling ? "transport error" : "transport close";
        Assert.Equal(expected, disconnect.String("reason"));
        output.WriteLine($"server-side reason: {await reasons.WaitForAsync("the server-side disconnect")}");
        await client.WaitForCountAsync(o => o.Is("connect", "c0"), 2, "the reconnection");

        await client.EmitAsync("c0", "small", 1);
        await received.WaitForAsync("the small event after the reconnection", n => n == "small");
        Assert.DoesNotContain("too-big", received.Items);
    }
}
