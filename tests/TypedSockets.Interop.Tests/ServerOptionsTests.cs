using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using TypedSockets.Server.EngineIO;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>Engine.IO server settings as the npm client experiences them.</summary>
public sealed class ServerOptionsTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task RequestDeniedByAllowRequestFailsTheClientsConnection(string transport)
    {
        var connections = new Recorder<SocketIOSocket>();
        var requests = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(connections.Add),
            output,
            o => o.AllowRequest = context =>
            {
                requests.Add(context.Request.Query["transport"].ToString());
                return ValueTask.FromResult(EngineRequestVerdict.Deny("denied"));
            });
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: new { reconnection = false });

        // As with the reference server: HTTP 403 fails the polling handshake, and the WebSocket handshake is refused.
        var error = await client.WaitForAsync("connect_error", "c0");
        if (transport == ClientTransport.WebSocket)
        {
            Assert.Equal("websocket error", error.String("message"));
        }
        else
        {
            Assert.Equal("xhr poll error", error.String("message"));
            Assert.Equal(403, error.Json.GetProperty("description").GetInt32());
        }

        Assert.Equal(transport == ClientTransport.WebSocket ? "websocket" : "polling", await requests.WaitForAsync("the denied request"));
        Assert.Empty(connections.Items);
        Assert.DoesNotContain(client.Observations, o => o.Type == "connect");
    }

    [Fact]
    public async Task ServerWithoutUpgradesKeepsTheDefaultClientOnPolling()
    {
        var sockets = new Recorder<SocketIOSocket>();
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(socket =>
            {
                sockets.Add(socket);
                socket.On("transport", e => e.Ack(e.Socket.Transport));
            }),
            output,
            o => o.AllowUpgrades = false);
        await using var client = await NodeClient.StartAsync("single", server.Url, ClientTransport.Default, output);

        await client.WaitForAsync("connect", "c0");
        await Task.Delay(500);
        Assert.Equal("polling", (await client.EmitWithAckAsync("c0", "transport", [])).Arg(0).GetString());
        Assert.DoesNotContain(client.Observations, o => o.Type == "upgrade");
        Assert.Equal("polling", (await sockets.WaitForAsync("the connection")).Transport);
    }

    [Theory]
    [InlineData(EngineTransports.Polling, ClientTransport.Polling)]
    [InlineData(EngineTransports.WebSocket, ClientTransport.WebSocket)]
    [InlineData(EngineTransports.Polling, ClientTransport.Default)]
    public async Task ServerRestrictedToOneTransportServesTheClientsThatUseIt(EngineTransports allowed, string transport)
    {
        await using var server = await InteropServer.StartAsync(
            io => io.OnConnection(socket => socket.On("transport", e => e.Ack(e.Socket.Transport))),
            output,
            o => o.Transports = allowed);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output);

        await client.WaitForAsync("connect", "c0");
        var expected = allowed == EngineTransports.WebSocket ? "websocket" : "polling";
        Assert.Equal(expected, (await client.EmitWithAckAsync("c0", "transport", [])).Arg(0).GetString());
        Assert.DoesNotContain(client.Observations, o => o.Type == "upgrade");
    }
}
