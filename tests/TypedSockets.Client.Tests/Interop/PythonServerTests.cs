using TypedSockets.Client.Tests.Infrastructure;
using TypedSockets.Testing;

namespace TypedSockets.Client.Tests.Interop;

/// <summary>
/// The client against a python-socketio 5.7 server (python-engineio 4.3, Debian's python3-socketio on aiohttp): its
/// handshake carries no <c>maxPayload</c>, and it refuses a polling payload of more than 16 packets.
/// </summary>
public sealed class PythonServerTests
{
    public static readonly TheoryData<string> Transports = new() { "polling", "websocket", "upgrade" };

    /// <summary>Debian's interpreter: python3-socketio and python3-aiohttp are installed for it, not for other pythons on PATH.</summary>
    private const string Python = "/usr/bin/python3";

    private static async Task<(TestProcess Process, Uri Uri)> StartServerAsync()
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: apt-get install python3-socketio python3-aiohttp (.ci/run does).");
        var script = Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Client.Tests", "python", "server.py");
        var process = TestProcess.Start(Python, [script, "0"]);
        try
        {
            var line = await process.WaitForOutputAsync(l => l.StartsWith("listening ", StringComparison.Ordinal), TestWait.Timeout, "the python server to listen", standardOutputOnly: true);
            return (process, new Uri($"http://127.0.0.1:{line["listening ".Length..].Trim()}"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static SocketIOClientOptions Options(string transport) => new()
    {
        Transports = transport switch
        {
            "polling" => SocketIOTransports.Polling,
            "websocket" => SocketIOTransports.WebSocket,
            _ => SocketIOTransports.All,
        },
        Reconnection = false,
        Timeout = TimeSpan.FromSeconds(5),
        Auth = new { token = "py" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConnectsWithoutMaxPayloadAndExchangesEventsAndAcks(string transport)
    {
        var (process, uri) = await StartServerAsync();
        await using var _ = process;
        await using var manager = new SocketIOManager(uri, Options(transport));
        var socket = manager.Socket();
        var welcome = socket.NextAsync("welcome");

        await socket.ConnectAsync().WithTimeout();

        var hello = (await welcome).Get<Dictionary<string, object?>>(0)!;
        Assert.Equal(socket.Id, hello["sid"]?.ToString());
        var reply = await socket.EmitWithAckAsync("echo", "hi", 42).WithTimeout();
        Assert.Equal("hi", reply.Get<string>(0));
        Assert.Equal(42, reply.Get<int>(1));
    }

    [Fact]
    public async Task ABurstOverPollingIsSentInPayloadsThePythonServerAccepts()
    {
        var (process, uri) = await StartServerAsync();
        await using var _ = process;
        await using var manager = new SocketIOManager(uri, Options("polling"));
        var socket = manager.Socket();
        await socket.ConnectAsync().WithTimeout();
        var seen = new List<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.On("counted", args =>
        {
            lock (seen)
            {
                seen.Add(args.Get<int>(0));
                if (seen.Count == 200)
                {
                    all.TrySetResult();
                }
            }
        });

        // 200 events queued at once: python-engineio answers a payload of more than 16 packets with 400 and closes.
        for (var i = 0; i < 200; i++)
        {
            socket.Emit("count", i);
        }

        await all.Task.WithTimeout();
        Assert.Equal(Enumerable.Range(0, 200), seen);
        Assert.True(socket.IsConnected);
    }
}
