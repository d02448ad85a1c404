using System.Buffers;

namespace TypedSockets.Protocol.EngineIO;

/// <summary>
/// One Engine.IO v4 packet: a type and an optional payload. Only a <see cref="EnginePacketType.Message"/> can be
/// binary; a text packet's <see cref="Data"/> is the UTF-8 text that follows the type digit.
/// </summary>
public readonly struct EnginePacket
{
    /// <summary>A packet whose payload is <paramref name="data"/>, referenced, not copied.</summary>
    /// <param name="type">The packet type.</param>
    /// <param name="data">The payload: the text after the type digit, or the bytes of a binary message.</param>
    /// <param name="isBinary">True for a binary <see cref="EnginePacketType.Message"/>; every other packet is text.</param>
    public EnginePacket(EnginePacketType type, ReadOnlySequence<byte> data, bool isBinary = false)
    {
        Type = type;
        Data = data;
        IsBinary = isBinary;
    }

    /// <summary>A packet whose payload is <paramref name="data"/>, referenced, not copied (empty by default).</summary>
    /// <param name="type">The packet type.</param>
    /// <param name="data">The payload: the text after the type digit, or the bytes of a binary message.</param>
    /// <param name="isBinary">True for a binary <see cref="EnginePacketType.Message"/>; every other packet is text.</param>
    public EnginePacket(EnginePacketType type, ReadOnlyMemory<byte> data = default, bool isBinary = false)
        : this(type, new ReadOnlySequence<byte>(data), isBinary)
    {
    }

    /// <summary>The packet type (the digit that starts a text packet).</summary>
    public EnginePacketType Type { get; }

    /// <summary>The payload: text after the type digit, or the raw bytes of a binary message.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <summary>True for a binary message (a WebSocket binary frame, or <c>b</c>+base64 in a polling payload).</summary>
    public bool IsBinary { get; }

    /// <summary>A text message carrying <paramref name="utf8"/> (a JSON Socket.IO packet, typically), referenced, not copied.</summary>
    public static EnginePacket TextMessage(ReadOnlyMemory<byte> utf8) => new(EnginePacketType.Message, utf8);

    /// <summary>A binary message carrying <paramref name="bytes"/> (an attachment or a msgpack packet), referenced, not copied.</summary>
    public static EnginePacket BinaryMessage(ReadOnlyMemory<byte> bytes) => new(EnginePacketType.Message, bytes, isBinary: true);

    /// <summary>A packet other than a message, such as a ping, a pong or a close, with an optional text payload (<c>probe</c> during an upgrade).</summary>
    public static EnginePacket Control(EnginePacketType type, ReadOnlyMemory<byte> data = default) => new(type, data);

    /// <summary>The type and the payload as text, or its length when binary (for logs and tests).</summary>
    public override string ToString()
    {
        if (IsBinary)
        {
            return $"{Type} binary[{Data.Length}]";
        }

        return Data.IsEmpty ? Type.ToString() : $"{Type} \"{System.Text.Encoding.UTF8.GetString(Data.ToArray())}\"";
    }
}
