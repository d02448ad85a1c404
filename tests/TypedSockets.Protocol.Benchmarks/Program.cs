using BenchmarkDotNet.Running;
using TypedSockets.Protocol.Benchmarks;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

if (args is ["sizes"])
{
    // Wire size per payload shape: payload plus binary attachments, as sent in Engine.IO messages.
    Console.WriteLine("| Shape  | JSON bytes (messages) | msgpack bytes |");
    Console.WriteLine("|--------|----------------------:|--------------:|");
    foreach (var shape in Payloads.Shapes)
    {
        var args1 = Payloads.Arguments(shape);
        var json = JsonSocketIOParser.Default.EncodeEvent("/", "event", args1);
        var msgpack = MessagePackSocketIOParser.Default.EncodeEvent("/", "event", args1);
        Console.WriteLine($"| {shape,-6} | {json.Length,13} ({json.MessageCount}) | {msgpack.Length,13} |");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
