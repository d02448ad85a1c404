namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// An encoded outgoing Socket.IO packet: one Engine.IO message (text for JSON, binary for MessagePack)
/// followed by zero or more binary attachments. Immutable: broadcasts share one instance across recipients.
/// </summary>
public sealed class EncodedPacket
{
    public EncodedPacket(ReadOnlyMemory<byte> payload, bool payloadIsBinary, ReadOnlyMemory<byte>[]? attachments = null)
    {
        Payload = payload;
        PayloadIsBinary = payloadIsBinary;
        Attachments = attachments ?? [];
    }

    public ReadOnlyMemory<byte> Payload { get; }

    public bool PayloadIsBinary { get; }

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
