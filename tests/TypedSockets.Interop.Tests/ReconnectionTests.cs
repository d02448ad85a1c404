using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Protocol.SocketIO;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>The client's automatic reconnection when the server goes away without saying DISCONNECT.</summary>
public sealed class ReconnectionTests(ITestOutputHelper output)
{
    private static readonly object s_fastReconnection = new { reconnectionDelay = 100, reconnectionDelayMax = 300, randomizationFactor = 0 };

    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientReconnectsAfterTheServerRestartsOnTheSamePortAndCanEmitAgain(string transport)
    {
        var firstIds = new Recorder<string>();
        var first = await InteropServer.StartAsync(io => io.OnConnection(socket => firstIds.Add(socket.Id)), output);
        var port = first.Port;
        await using var client = await NodeClient.StartAsync("single", first.Url, transport, output, options: s_fastReconnection);
        InteropServer? second = null;
        try
        {
            var connect = await client.WaitForAsync("connect", "c0");
            Assert.Equal(await firstIds.WaitForAsync("the first connection"), connect.String("id"));
            if (transport == ClientTransport.Default)
            {
                await client.WaitForAsync("upgrade", "c0");
            }

            await first.DisposeAsync();
            var disconnect = await client.WaitForAsync("disconnect", "c0");
            output.WriteLine($"client-side reason: {disconnect.String("reason")}");
            Assert.Contains(disconnect.String("reason"), new[] { "transport close", "transport error", "ping timeout" });
            await client.WaitForAsync("reconnect_attempt", "c0");

            var received = new Recorder<SocketIOArguments>();
            var secondIds = new Recorder<string>();
            second = await InteropServer.StartAsync(
                io => io.OnConnection(socket =>
                {
                    secondIds.Add(socket.Id);
                    socket.On("after-restart", e => received.Add(e.Arguments));
                }),
                output,
                port: port);

            await client.WaitForAsync("reconnect", "c0");
            var reconnected = (await client.WaitForCountAsync(o => o.Is("connect", "c0"), 2, "the second connect"))[1];
            Assert.Equal(await secondIds.WaitForAsync("the new connection"), reconnected.String("id"));
            Assert.NotEqual(connect.String("id"), reconnected.String("id"));

            await client.EmitAsync("c0", "after-restart", "still here", 2);
            var args = await received.WaitForAsync("the event emitted after the reconnection");
            Assert.Equal("still here", args.Get<string>(0));
            Assert.Equal(2, args.Get<int>(1));
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
