using System.Collections.Concurrent;
using System.Diagnostics;
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
        var output = new ConcurrentQueue<string>();
        using var process = StartSample(output, "--otel", "console", "--urls", $"http://127.0.0.1:{port}");
        try
        {
            await WaitForAsync(output, "Now listening on", process);

            using var socket = new ClientWebSocket();
            using var cts = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"), cts.Token);
            Assert.StartsWith("0{", await ReceiveAsync(socket, cts.Token));
            await socket.SendAsync(Encoding.UTF8.GetBytes("40"), WebSocketMessageType.Text, true, cts.Token);
            Assert.StartsWith("40{\"sid\":", await ReceiveAsync(socket, cts.Token));

            // The console exporter's block for each span: its name, its tags, then its source.
            await WaitForAsync(output, "Activity.DisplayName:        engineio.handshake", process);
            await WaitForAsync(output, "Activity.DisplayName:        socketio.connect", process);
            await WaitForAsync(output, "socketio.outcome: ok", process);
            await WaitForAsync(output, "Name: TypedSockets.Server", process);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void AnyOtherExporterIsAStartupError()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatApp.Build(["--otel", "jaeger", "--urls", "http://127.0.0.1:0"]));
        Assert.Contains("--otel expects 'console'", error.Message, StringComparison.Ordinal);
    }

    private static Process StartSample(ConcurrentQueue<string> output, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chat.Server.dll"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(RepositoryPaths.ChatServer);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForAsync(ConcurrentQueue<string> output, string text, Process process)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The sample did not print '{text}'{(process.HasExited ? " (it exited)" : string.Empty)}. Output:\n{string.Join('\n', output)}");
            }

            await Task.Delay(50);
        }
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
