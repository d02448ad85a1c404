using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>
/// The origin policy (issue 15, cross-site WebSocket hijacking) as the npm client sees it. In Node the client sends an
/// <c>Origin</c> only when told to (<c>extraHeaders</c>, honoured by its WebSocket transport), as a browser page would.
/// </summary>
public sealed class OriginTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AWebSocketFromAForeignOriginIsRefused()
    {
        var connections = new Recorder<SocketIOSocket>();
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(connections.Add), output);
        await using var client = await NodeClient.StartAsync(
            "single", server.Url, ClientTransport.WebSocket, output,
            options: new { reconnection = false, extraHeaders = new Dictionary<string, string> { ["origin"] = "https://evil.example" } });

        var error = await client.WaitForAsync("connect_error", "c0");
        Assert.Equal("websocket error", error.String("message"));
        Assert.Empty(connections.Items);
    }

    [Fact]
    public async Task AWebSocketFromAnAllowedOriginConnects()
    {
        await using var server = await InteropServer.StartAsync(_ => { }, output, o => o.AllowedOrigins = ["https://app.example"]);
        await using var client = await NodeClient.StartAsync(
            "single", server.Url, ClientTransport.WebSocket, output,
            options: new { reconnection = false, extraHeaders = new Dictionary<string, string> { ["origin"] = "https://app.example" } });

        Assert.Equal(ClientTransport.WebSocket, (await client.WaitForAsync("connect", "c0")).String("transport"));
    }

    [Theory]
    [InlineData(ClientTransport.Polling)]
    [InlineData(ClientTransport.WebSocket)]
    [InlineData(ClientTransport.Default)]
    public async Task AClientWithoutAnOriginConnectsWithNothingConfigured(string transport)
    {
        await using var server = await InteropServer.StartAsync(_ => { }, output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, options: new { reconnection = false });
        await client.WaitForAsync("connect", "c0");
    }
}
