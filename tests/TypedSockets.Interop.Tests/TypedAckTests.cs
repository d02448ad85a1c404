using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.TestContracts;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// Acknowledgements from the official npm socket.io-client to a typed hub's generated emitters: one socket's reply,
/// and an acknowledged typed broadcast with one result per client (node/typed-answerer.mjs).
/// </summary>
public sealed class TypedAckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HubEmitterAndAcknowledgedBroadcastGetTheNodeClientsReplies()
    {
        await using var server = await InteropServer.StartAsync(io => io.MapNamespace<TypedHubTests.ShapesHub>("/"), output);
        await using var fast = await TypedAnswerer.StartAsync(server.Url, "fast", 0, "poll", output);
        await using var slow = await TypedAnswerer.StartAsync(server.Url, "slow", 3000, "poll", output);
        await using var outsider = await TypedAnswerer.StartAsync(server.Url, "outsider", 0, "elsewhere", output);
        var fastId = (await fast.Joined).GetProperty("id").GetString();
        await slow.Joined;
        await outsider.Joined;

        // One socket: the generated emitter awaits the client's callback.
        var fastSocket = server.Io.Of("/").Sockets.Values.Single(s => s.Id == fastId);
        Assert.Equal("fast says why", await fastSocket.Emitter<IShapesClient>().Ask("why").WaitAsync(TimeSpan.FromSeconds(10)));

        // The room "poll": fast answers, slow answers after the timeout, the outsider is not asked.
        var results = await server.Io.Of("/").Clients<IShapesClient>().To("poll").Timeout(TimeSpan.FromMilliseconds(1000)).Ask("ready?")
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, results.Count);
        Assert.Equal(1, results.TimedOutCount);
        Assert.Equal(["fast says ready?"], results.Values);
        Assert.True(results[0].Replied);
        Assert.True(results[1].IsTimedOut);
    }
}
