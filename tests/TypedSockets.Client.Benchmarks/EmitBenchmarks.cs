using BenchmarkDotNet.Attributes;
using SocketIOClient;
using SocketIOClient.Transport;

namespace TypedSockets.Client.Benchmarks;

/// <summary>
/// Emit throughput and allocations: one operation emits <see cref="Events"/> small events over WebSocket to the Node
/// reference server, then waits for the acknowledgement of one more event (the server handles a connection's packets
/// in order, so all of them have arrived by then). Ours against NuGet SocketIOClient 3.0.6, same server.
/// </summary>
[MemoryDiagnoser]
public class EmitBenchmarks
{
    private static readonly object?[] s_payload = [42, "hello"];

    private NodeServerProcess? _server;
    private SocketIOManager? _manager;
    private SocketIOClientSocket? _ours;
    private IBenchServer? _typed;
    private SocketIOClient.SocketIO? _theirs;

    [Params(1000)]
    public int Events { get; set; }

    [GlobalSetup(Target = nameof(TypedSocketsClient))]
    public void SetupOurs()
    {
        _server = NodeServerProcess.Start();
        _manager = new SocketIOManager(_server.Uri, new SocketIOClientOptions { Transports = SocketIOTransports.WebSocket });
        _ours = _manager.Socket();
        _ours.ConnectAsync().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(TypedSocketsClientTyped))]
    public void SetupTyped()
    {
        SetupOurs();
        _typed = _ours!.Emitter<IBenchServer>();
    }

    [GlobalSetup(Target = nameof(SocketIOClient306))]
    public void SetupTheirs()
    {
        _server = NodeServerProcess.Start();
        _theirs = new SocketIOClient.SocketIO(_server.Uri, new SocketIOOptions
        {
            EIO = 4,
            Transport = TransportProtocol.WebSocket,
            AutoUpgrade = false,
            Reconnection = false,
        });
        _theirs.ConnectAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manager?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _theirs?.Dispose();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TypedSockets.Client")]
    public async Task TypedSocketsClient()
    {
        var socket = _ours!;
        for (var i = 0; i < Events; i++)
        {
            socket.Emit("sink", s_payload);
        }

        await socket.EmitWithAckAsync("sink-ack").ConfigureAwait(false);
    }

    [Benchmark(Description = "TypedSockets.Client, generated emitter")]
    public async Task TypedSocketsClientTyped()
    {
        var server = _typed!;
        for (var i = 0; i < Events; i++)
        {
            server.Sink(42, "hello");
        }

        await server.SinkAck().ConfigureAwait(false);
    }

    [Benchmark(Description = "SocketIOClient 3.0.6")]
    public async Task SocketIOClient306()
    {
        var client = _theirs!;
        for (var i = 0; i < Events; i++)
        {
            await client.EmitAsync("sink", s_payload).ConfigureAwait(false);
        }

        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("sink-ack", _ => acked.TrySetResult()).ConfigureAwait(false);
        await acked.Task.ConfigureAwait(false);
    }
}
