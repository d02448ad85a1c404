using System.Buffers;
using BenchmarkDotNet.Attributes;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Protocol.Benchmarks;

/// <summary>
/// Encode (object arguments -> packet) and decode (messages -> packet -> typed arguments) with the JSON parser
/// (npm socket.io-parser format) and the msgpack parser (npm socket.io-msgpack-parser format).
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private SocketIOParser _parser = null!;
    private object?[] _args = null!;
    private EncodedPacket _encoded = null!;
    private SocketIODecoder _decoder = null!;

    [Params("json", "msgpack")]
    public string Parser { get; set; } = "json";

    [Params("small", "object", "list", "binary")]
    public string Shape { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        _parser = Parser == "json" ? JsonSocketIOParser.Default : MessagePackSocketIOParser.Default;
        _args = Payloads.Arguments(Shape);
        _encoded = _parser.EncodeEvent("/", "event", _args);
        _decoder = _parser.CreateDecoder();
    }

    [Benchmark]
    public EncodedPacket Encode() => _parser.EncodeEvent("/", "event", _args);

    [Benchmark]
    public int Decode()
    {
        var encoded = _encoded;
        _decoder.TryDecode(new ReadOnlySequence<byte>(encoded.Payload), encoded.PayloadIsBinary, out var packet);
        foreach (var attachment in encoded.Attachments)
        {
            _decoder.TryDecode(new ReadOnlySequence<byte>(attachment), true, out packet);
        }

        return Payloads.Bind(Shape, packet!.Data!);
    }
}
