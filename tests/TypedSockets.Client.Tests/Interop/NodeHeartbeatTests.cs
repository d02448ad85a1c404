using TypedSockets.Client.Tests.Infrastructure;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>The reference server stops pinging (its process is suspended): the client must notice and reconnect.</summary>
public sealed class NodeHeartbeatTests
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task AFrozenServerIsDetectedByItsMissingPings(string transport)
    {
        await using var server = await NodeScenarioServer.StartAsync(new ScenarioServerConfig { PingIntervalMs = 400, PingTimeoutMs = 800 });
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions
        {
            Transports = transport == "polling" ? SocketIOTransports.Polling : SocketIOTransports.WebSocket,
            ReconnectionDelay = TimeSpan.FromMilliseconds(100),
            ReconnectionDelayMax = TimeSpan.FromMilliseconds(300),
            RandomizationFactor = 0,
            Timeout = TimeSpan.FromSeconds(1),
        });
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        await Task.Delay(1000); // several heartbeats answered: the connection stays up
        Assert.True(socket.IsConnected);

        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += reason => disconnected.TrySetResult(reason);
        await server.FreezeAsync();
        Assert.Equal(SocketIOClientDisconnectReasons.PingTimeout, await disconnected.Task.WithTimeout());

        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Connected += () => connected.TrySetResult();
        await server.ThawAsync();
        await connected.Task.WithTimeout();
        Assert.Equal(5, await socket.EmitWithAckAsync<int>("ack", 5).WithTimeout());
    }
}
