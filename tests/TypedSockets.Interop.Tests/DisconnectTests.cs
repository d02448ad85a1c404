using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>Disconnections from either side and the reasons each side reports.</summary>
public sealed class DisconnectTests(ITestOutputHelper output)
{
    /// <summary>Fast reconnection, so that a reconnection that should not happen would show within the check period.</summary>
    private static readonly object s_fastReconnection = new { reconnectionDelay = 50, reconnectionDelayMax = 100 };

    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerDisconnectReachesTheClientAsIoServerDisconnectAndItDoesNotReconnect(string transport)
    {
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            socket.OnDisconnect(reasons.Add);
            socket.On("kick-me", e => e.Socket.Disconnect());
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: s_fastReconnection);

        await client.WaitForAsync("connect", "c0");
        await client.EmitAsync("c0", "kick-me");

        var disconnect = await client.WaitForAsync("disconnect", "c0");
        Assert.Equal("io server disconnect", disconnect.String("reason"));
        Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, await reasons.WaitForAsync("the server-side disconnect"));
        await client.AssertNoneDuringAsync(o => o.Type is "reconnect_attempt" or "reconnect" || o.Index > disconnect.Index && o.Type == "connect", TimeSpan.FromSeconds(1), "reconnection after 'io server disconnect'");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerDisconnectWithCloseAlsoSendsDisconnectSoTheClientDoesNotReconnect(string transport)
    {
        // As the reference server does: disconnect(true) sends DISCONNECT to every namespace, then closes the connection.
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            socket.OnDisconnect(reasons.Add);
            socket.On("close-me", e => e.Socket.Disconnect(close: true));
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: s_fastReconnection);

        await client.WaitForAsync("connect", "c0");
        await client.EmitAsync("c0", "close-me");

        var disconnect = await client.WaitForAsync("disconnect", "c0");
        Assert.Equal("io server disconnect", disconnect.String("reason"));
        Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, await reasons.WaitForAsync("the server-side disconnect"));
        await client.AssertNoneDuringAsync(o => o.Type is "reconnect_attempt" or "reconnect" || o.Index > disconnect.Index && o.Type == "connect", TimeSpan.FromSeconds(1), "reconnection after disconnect(close: true)");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ClientDisconnectReachesTheServerAsClientNamespaceDisconnect(string transport)
    {
        var reasons = new Recorder<string>();
        var disconnecting = new Recorder<IReadOnlyCollection<string>>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(async socket =>
        {
            await socket.JoinAsync("lobby");
            socket.OnDisconnecting(_ => disconnecting.Add([.. socket.Rooms]));
            socket.OnDisconnect(reasons.Add);
            socket.Emit("ready");
        }), output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.WaitForAsync("event", "c0", "ready");
        await client.DisconnectAsync("c0");

        Assert.Equal(SocketDisconnectReasons.ClientNamespaceDisconnect, await reasons.WaitForAsync("the server-side disconnect"));
        Assert.Contains("lobby", await disconnecting.WaitForAsync("the disconnecting hook"));
        Assert.Equal("io client disconnect", (await client.WaitForAsync("disconnect", "c0")).String("reason"));
        Assert.Empty(server.Io.Sockets.Sockets);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KilledClientProcessIsDetectedByTheServer(string transport)
    {
        var reasons = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(socket => socket.OnDisconnect(reasons.Add)),
            output,
            o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(300);
                o.PingTimeout = TimeSpan.FromMilliseconds(700);
            });
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.WaitForAsync("connect", "c0");
        if (transport == ClientTransport.Default)
        {
            await client.WaitForAsync("upgrade", "c0");
        }

        // Let a heartbeat or two go by so that a polling client has a GET parked, then crash the client.
        await Task.Delay(400);
        client.Kill();
        await client.WaitForExitAsync(TimeSpan.FromSeconds(5));

        var reason = await reasons.WaitForAsync("the server noticing the dead client", timeout: TimeSpan.FromSeconds(5));
        output.WriteLine($"server-side reason: {reason}");
        if (transport == ClientTransport.Polling)
        {
            // The reference server reports "transport error" (the parked GET closed prematurely); the close may also be
            // noticed as a closed transport, or, when no GET was parked, only by the missing pong.
            Assert.Contains(reason, new[] { SocketDisconnectReasons.TransportError, SocketDisconnectReasons.TransportClose, SocketDisconnectReasons.PingTimeout });
        }
        else
        {
            Assert.Equal(SocketDisconnectReasons.TransportClose, reason);
        }

        Assert.Empty(server.Io.Sockets.Sockets);
    }
}
