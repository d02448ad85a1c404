using System.Buffers;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Fuzz.Targets;

/// <summary>
/// <see cref="EnginePacketReader"/> over a polling payload (<c>\x1e</c>-joined packets) or a single WebSocket text frame.
/// Contract: every input reads to packets or throws <see cref="InvalidDataException"/>. Round trip: the packets read,
/// written back with <see cref="EnginePacketWriter"/>, read again to the same packets.
/// </summary>
public sealed class EnginePacketsTarget(EnginePacketFraming framing) : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => framing == EnginePacketFraming.Payload ? "engine-payload" : "engine-packet";

    /// <inheritdoc/>
    public override string Description => framing == EnginePacketFraming.Payload
        ? "EnginePacketReader over an HTTP long-polling payload"
        : "EnginePacketReader over one WebSocket text frame";

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Seeds { get; } = Utf8(
        // tests/TypedSockets.Protocol.Tests/EngineIO/EngineIOTestData.cs: packets, payloads and invalid input.
        "0{\"sid\":\"abc\"}", "1", "2", "2probe", "3", "3probe", "4hello", "4", "4héllo €", "42[\"foo\"]", "5", "6",
        "bAQIDBA==", "b/w==", "bABCD", "b",
        "4test1\u001e4test2\u001e4test3", "4hello\u001ebAQIDBA==", "2\u001e4x\u001e1", "4\u001eb\u001e4",
        "", "abc", "7", "/x", "\u001e4a", "4a\u001e", "4a\u001e\u001e4b", "4a\u001exyz", "b!!!!", "bAQIDBA",
        // Socket.IO packets as the server reads them.
        "40", "40/admin,{\"token\":\"abc\"}", "42[\"message\",\"héllo\",{\"a\":[1,2]}]", "451-[\"up\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID");

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Tokens { get; } = Utf8("\u001e", "b", "4", "2probe", "==", "=", "AQID", "\u00e9", "\u20ac", "42[\"a\"]");

    /// <inheritdoc/>
    public override string Execute(byte[] input)
    {
        List<(EnginePacketType Type, bool IsBinary, byte[] Data)> first;
        try
        {
            first = Read(input);
        }
        catch (InvalidDataException e)
        {
            return Rejected(e);
        }

        // Round trip. A text packet of the payload is what its bytes say, so writing it back gives the same bytes.
        var packets = new EnginePacket[first.Count];
        for (var i = 0; i < packets.Length; i++)
        {
            packets[i] = new EnginePacket(first[i].Type, first[i].Data, first[i].IsBinary);
        }

        var output = new ArrayBufferWriter<byte>();
        if (framing == EnginePacketFraming.Payload)
        {
            EnginePacketWriter.WritePayload(packets, output);
        }
        else
        {
            Check(packets.Length == 1, "a single frame reads as one packet");
            EnginePacketWriter.WriteText(packets[0], output);
        }

        var second = Read(output.WrittenSpan.ToArray());
        Check(second.Count == first.Count, "round trip keeps the packet count");
        for (var i = 0; i < first.Count; i++)
        {
            Check(second[i].Type == first[i].Type && second[i].IsBinary == first[i].IsBinary && second[i].Data.AsSpan().SequenceEqual(first[i].Data),
                "round trip keeps every packet");
        }

        // The set of packet kinds read (not their order or count, which would make every payload new).
        var kinds = 0;
        foreach (var packet in first)
        {
            kinds |= packet.IsBinary ? 1 << 7 : 1 << (int)packet.Type;
        }

        return $"ok:{kinds}:{Math.Min(first.Count, 3)}";
    }

    private List<(EnginePacketType Type, bool IsBinary, byte[] Data)> Read(byte[] input)
    {
        var result = new List<(EnginePacketType Type, bool IsBinary, byte[] Data)>();
        var reader = new EnginePacketReader(new ReadOnlySequence<byte>(input), framing);
        try
        {
            while (reader.TryRead(out var packet))
            {
                // Base64 data lives in the reader's buffer until the next read: copy it now.
                result.Add((packet.Type, packet.IsBinary, packet.Data.ToArray()));
            }
        }
        finally
        {
            reader.Dispose();
        }

        return result;
    }

    internal static byte[][] Utf8(params string[] texts) => [.. texts.Select(System.Text.Encoding.UTF8.GetBytes)];
}
