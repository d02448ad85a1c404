using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;

namespace TypedSockets.Benchmarks;

/// <summary>What the server asks of the load tool's echo clients.</summary>
[SocketEvents]
public interface IEchoServer
{
    ValueTask<string> Echo(string payload);
}

/// <summary>Nothing is sent to the client here but acknowledgements.</summary>
[SocketEvents]
public interface IEchoClient
{
    void Tick(string payload);
}

/// <summary>The echo of the load test as a typed hub.</summary>
public sealed class EchoHub : SocketHub<IEchoServer, IEchoClient>, IEchoServer
{
    public ValueTask<string> Echo(string payload) => new(payload);
}

/// <summary>
/// One incoming event with an ack, as the load test's echo sends it (<c>421["echo","&lt;32 characters&gt;"]</c>), handed
/// to the Socket.IO layer as Engine.IO delivers a WebSocket message: decoded, dispatched to the handler, the answer
/// encoded and handed back to Engine.IO. Typed hub against <c>socket.On</c> handlers; no socket I/O.
/// </summary>
[MemoryDiagnoser]
public class ReceiveBenchmarks
{
    private static readonly string Payload = new('x', 32);

    private ServiceProvider _services = null!;
    private BenchmarkEngineConnection _connection = null!;
    private ReadOnlySequence<byte> _typed;
    private ReadOnlySequence<byte> _untypedRaw;
    private ReadOnlySequence<byte> _untypedString;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddTypedSockets();
        _services = services.BuildServiceProvider();
        var server = new SocketIOServer("/socket.io", new SocketIOServerOptions(), _services);
        server.MapNamespace<EchoHub>("/typed");
        server.Of("/raw").OnConnection(socket => socket.On("echo", e => e.Ack(e.Arguments.ToRawArray())));
        server.Of("/string").OnConnection(socket => socket.On("echo", e => e.Ack(e.GetArgument<string>(0))));

        _connection = new BenchmarkEngineConnection(server, _services, "eio");
        _connection.Receive("0/typed,");
        _connection.Receive("0/raw,");
        _connection.Receive("0/string,");
        SpinWait.SpinUntil(() => server.Of("/typed").Sockets.Count == 1 && server.Of("/raw").Sockets.Count == 1 && server.Of("/string").Sockets.Count == 1, 5000);

        _typed = Message($"2/typed,1[\"echo\",\"{Payload}\"]");
        _untypedRaw = Message($"2/raw,1[\"echo\",\"{Payload}\"]");
        _untypedString = Message($"2/string,1[\"echo\",\"{Payload}\"]");

        // Each benchmark must reach its handler and send one answer.
        foreach (var message in new[] { _typed, _untypedRaw, _untypedString })
        {
            var before = _connection.Messages;
            _connection.Receive(message);
            if (_connection.Messages != before + 1)
            {
                throw new InvalidOperationException("The echo did not answer synchronously.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public void Untyped_ToRawArray() => _connection.Receive(_untypedRaw);

    [Benchmark]
    public void Untyped_GetString() => _connection.Receive(_untypedString);

    [Benchmark]
    public void TypedHub() => _connection.Receive(_typed);

    private static ReadOnlySequence<byte> Message(string text) => new(Encoding.UTF8.GetBytes(text));
}
