using System.Text.Json;
using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>Connection state recovery with the npm client: same socket id, rooms kept, missed broadcasts replayed.</summary>
public sealed class RecoveryTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientRecoversItsSessionAndTheBroadcastsItMissedAfterATransportDrop(string transport)
    {
        var connections = new Recorder<(string Id, bool Recovered)>();
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(async socket =>
            {
                connections.Add((socket.Id, socket.Recovered));
                socket.OnDisconnect(reasons.Add);
                if (!socket.Recovered)
                {
                    await socket.JoinAsync("news");
                    socket.Emit("joined");
                }
            }),
            output,
            o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) });

        // A reconnection delay long enough to broadcast while the client is away.
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: new { reconnectionDelay = 1000, reconnectionDelayMax = 1000, randomizationFactor = 0 });
        var first = await client.WaitForAsync("connect", "c0");
        Assert.False(first.Json.TryGetProperty("recovered", out var r) && r.GetBoolean());
        await client.WaitForAsync("event", "c0", "joined");
        if (transport == ClientTransport.Default)
        {
            await client.WaitForAsync("upgrade", "c0");
        }

        await server.Io.To("news").EmitAsync("news", 1);
        var news1 = await client.WaitForAsync(o => o.Is("event", "c0", "news") && o.Arg(0).GetInt32() == 1, "news 1");
        // With recovery on, every broadcast carries its offset as the last argument (the client keeps the last one).
        Assert.Equal(JsonValueKind.String, news1.Arg(1).ValueKind);

        await client.CloseEngineAsync("c0");
        Assert.Equal(SocketDisconnectReasons.TransportClose, await reasons.WaitForAsync("the server-side disconnect"));
        await server.Io.To("news").EmitAsync("news", 2);
        await server.Io.EmitAsync("news", 3);

        var second = (await client.WaitForCountAsync(o => o.Is("connect", "c0"), 2, "the reconnection", TimeSpan.FromSeconds(10)))[1];
        Assert.True(second.Json.GetProperty("recovered").GetBoolean(), $"The client should report a recovered session.{Environment.NewLine}{client.Describe()}");
        Assert.Equal(first.String("id"), second.String("id"));
        var (id, recovered) = (await connections.WaitForCountAsync(2, "the recovered connection"))[1];
        Assert.True(recovered);
        Assert.Equal(first.String("id"), id);

        // The missed broadcasts arrive in order, once (the client hands packets that came before its CONNECT reply to
        // the application just before "connect").
        var missed = await client.WaitForCountAsync(o => o.Is("event", "c0", "news"), 3, "the missed broadcasts");
        Assert.Equal([1, 2, 3], missed.Select(o => o.Arg(0).GetInt32()));
        Assert.True(missed[2].Index < second.Index, "The missed packets should be delivered before 'connect'.");

        // The rooms were restored: "news" still reaches the client.
        await server.Io.To("news").EmitAsync("news", 4);
        await client.WaitForAsync(o => o.Is("event", "c0", "news") && o.Arg(0).GetInt32() == 4, "news 4 after the recovery");
        Assert.Equal(4, client.Observations.Count(o => o.Is("event", "c0", "news")));
    }
}
