namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// An encoded outgoing Socket.IO packet: one Engine.IO message (text for JSON, binary for MessagePack)
/// followed by zero or more binary attachments. Immutable: broadcasts share one instance across recipients.
/// </summary>
public sealed class EncodedPacket
{
    /// <summary>A packet made of <paramref name="payload"/> and its <paramref name="attachments"/>, referenced, not copied.</summary>
    /// <param name="payload">The first Engine.IO message.</param>
    /// <param name="payloadIsBinary">True when the payload goes as a binary message (MessagePack), false for text (JSON).</param>
    /// <param name="attachments">The binary attachments that follow the payload; none when null.</param>
    public EncodedPacket(ReadOnlyMemory<byte> payload, bool payloadIsBinary, ReadOnlyMemory<byte>[]? attachments = null)
    {
        Payload = payload;
        PayloadIsBinary = payloadIsBinary;
        Attachments = attachments ?? [];
    }

    /// <summary>The first Engine.IO message: the packet's JSON text or its msgpack bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True when <see cref="Payload"/> is sent as a binary message (MessagePack), false when as text (JSON).</summary>
    public bool PayloadIsBinary { get; }

    /// <summary>The binary attachments sent after <see cref="Payload"/>, one binary message each, in order. Shared: do not modify.</summary>
    public ReadOnlyMemory<byte>[] Attachments { get; }

    /// <summary>Number of Engine.IO messages this packet takes.</summary>
    public int MessageCount => 1 + Attachments.Length;

    /// <summary>Total bytes of payload and attachments.</summary>
    public long Length
    {
        get
        {
            long length = Payload.Length;
            foreach (var a in Attachments)
            {
                length += a.Length;
            }

            return length;
        }
    }

    /// <summary>The payload as text (debugging and tests).</summary>
    public override string ToString() => PayloadIsBinary ? Convert.ToHexString(Payload.Span) : System.Text.Encoding.UTF8.GetString(Payload.Span);
}
