using System.Buffers;

namespace TypedSockets.Protocol.EngineIO;

/// <summary>
/// One Engine.IO v4 packet: a type and an optional payload. Only a <see cref="EnginePacketType.Message"/> can be
/// binary; a text packet's <see cref="Data"/> is the UTF-8 text that follows the type digit.
/// </summary>
public readonly struct EnginePacket
{
    public EnginePacket(EnginePacketType type, ReadOnlySequence<byte> data, bool isBinary = false)
    {
        Type = type;
        Data = data;
        IsBinary = isBinary;
    }

    public EnginePacket(EnginePacketType type, ReadOnlyMemory<byte> data = default, bool isBinary = false)
        : this(type, new ReadOnlySequence<byte>(data), isBinary)
    {
    }

    public EnginePacketType Type { get; }

    /// <summary>The payload: text after the type digit, or the raw bytes of a binary message.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <summary>True for a binary message (a WebSocket binary frame, or <c>b</c>+base64 in a polling payload).</summary>
    public bool IsBinary { get; }

    public static EnginePacket TextMessage(ReadOnlyMemory<byte> utf8) => new(EnginePacketType.Message, utf8);

    public static EnginePacket BinaryMessage(ReadOnlyMemory<byte> bytes) => new(EnginePacketType.Message, bytes, isBinary: true);

    public static EnginePacket Control(EnginePacketType type, ReadOnlyMemory<byte> data = default) => new(type, data);

    public override string ToString()
    {
        if (IsBinary)
        {
            return $"{Type} binary[{Data.Length}]";
        }

        return Data.IsEmpty ? Type.ToString() : $"{Type} \"{System.Text.Encoding.UTF8.GetString(Data.ToArray())}\"";
    }
}
