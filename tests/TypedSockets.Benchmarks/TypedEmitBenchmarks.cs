using BenchmarkDotNet.Attributes;
using Chat.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;

namespace TypedSockets.Benchmarks;

/// <summary>Typed (generated emitter) against untyped (object[]) emits, to one socket and to a room of 10.</summary>
[MemoryDiagnoser]
public class TypedEmitBenchmarks
{
    private ServiceProvider _services = null!;
    private SocketIOSocket _socket = null!;
    private IChatClient _emitter = null!;
    private SocketIONamespace _namespace = null!;
    private SocketTargets<IChatClient> _clients;
    private ChatMessage _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddTypedSockets();
        _services = services.BuildServiceProvider();
        var server = new SocketIOServer("/socket.io", new SocketIOServerOptions(), _services);
        server.OnConnection(socket => socket.JoinAsync("room"));
        for (var i = 0; i < 10; i++)
        {
            new BenchmarkEngineConnection(server, _services, "eio" + i).Receive("0");
        }

        _namespace = server.Sockets;
        SpinWait.SpinUntil(() => _namespace.Adapter.GetSockets(["room"]).Count == 10, 5000);
        _socket = _namespace.Sockets.Values.First();
        _emitter = _socket.Emitter<IChatClient>();
        _clients = _namespace.Clients<IChatClient>();
        _message = new ChatMessage("room", "alice", "hello there", DateTimeOffset.UnixEpoch);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public bool Untyped_Socket_StringInt() => _socket.Emit("user:joined", "alice", 42);

    [Benchmark]
    public void Typed_Socket_StringInt() => _emitter.UserJoined("alice", 42);

    [Benchmark]
    public bool Untyped_Socket_Record() => _socket.Emit("message", _message);

    [Benchmark]
    public void Typed_Socket_Record() => _emitter.Message(_message);

    [Benchmark]
    public void Untyped_Room10_StringInt() => _namespace.To("room").Emit("user:joined", "alice", 42);

    [Benchmark]
    public void Typed_Room10_StringInt() => _clients.To("room").UserJoined("alice", 42);

    [Benchmark]
    public void Typed_Room10_Record() => _clients.To("room").Message(_message);
}
