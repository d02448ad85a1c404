using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Chat.Server;

namespace TypedSockets.Samples.Tests;

/// <summary>The chat sample's <c>--otel console</c>: the OpenTelemetry SDK writes TypedSockets' spans to standard output.</summary>
public sealed class ChatOpenTelemetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // a cold start on a busy 2-core machine

    [Fact]
    public async Task OtelConsolePrintsTheConnectSpanOfAClient()
    {
        var port = UnusedPort();
        await using var sample = TestProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Chat.Server.dll"), "--contentRoot", RepositoryPaths.ChatServer,
             "--otel", "console", "--urls", $"http://127.0.0.1:{port}"],
            workingDirectory: AppContext.BaseDirectory);
        await sample.WaitForOutputAsync("Now listening on", Timeout);

        using var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"), cts.Token);
        Assert.StartsWith("0{", await ReceiveAsync(socket, cts.Token));
        await socket.SendAsync(Encoding.UTF8.GetBytes("40"), WebSocketMessageType.Text, true, cts.Token);
        Assert.StartsWith("40{\"sid\":", await ReceiveAsync(socket, cts.Token));

        // The console exporter's block for each span: its name, its tags, then its source.
        await sample.WaitForOutputAsync("Activity.DisplayName:        engineio.handshake", Timeout);
        await sample.WaitForOutputAsync("Activity.DisplayName:        socketio.connect", Timeout);
        await sample.WaitForOutputAsync("socketio.outcome: ok", Timeout);
        await sample.WaitForOutputAsync("Name: TypedSockets.Server", Timeout);
    }

    [Fact]
    public void AnyOtherExporterIsAStartupError()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatApp.Build(["--otel", "jaeger", "--urls", "http://127.0.0.1:0"]));
        Assert.Contains("--otel expects 'console'", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
            count += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, count);
            }
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
