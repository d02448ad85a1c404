using BenchmarkDotNet.Attributes;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Protocol.Benchmarks;

/// <summary>The typed writing path generated emitters use (<see cref="SocketIOParser.RentPacketWriter"/>), for both parsers.</summary>
[MemoryDiagnoser]
public class TypedWriterBenchmarks
{
    private static readonly SocketEventName EventName = new("event");
    private SocketIOParser _parser = null!;
    private ChatMessage _message = null!;

    [Params("json", "msgpack")]
    public string Parser { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        _parser = Parser == "json" ? JsonSocketIOParser.Default : MessagePackSocketIOParser.Default;
        _message = (ChatMessage)Payloads.Arguments("object")[0]!;
    }

    [Benchmark]
    public int Typed_Small()
    {
        var writer = _parser.RentPacketWriter();
        writer.BeginEvent("/", EventName);
        writer.WriteString("alice");
        writer.WriteInt32(42);
        var packet = writer.Complete();
        var length = packet.Payload.Length;
        packet.Release();
        writer.Return();
        return length;
    }

    [Benchmark]
    public int Typed_Object()
    {
        var writer = _parser.RentPacketWriter();
        writer.BeginEvent("/", EventName);
        writer.Write(_message);
        var packet = writer.Complete();
        var length = packet.Payload.Length;
        packet.Release();
        writer.Return();
        return length;
    }
}
