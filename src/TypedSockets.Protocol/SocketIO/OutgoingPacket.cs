namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// An encoded outgoing packet from the typed writing path: like <see cref="EncodedPacket"/>, but its payload may live in
/// a <see cref="PooledPacketBuffer"/> that the sender must <see cref="Release"/> once every recipient has queued it.
/// </summary>
public readonly struct OutgoingPacket
{
    /// <summary>A packet made of <paramref name="payload"/> and its <paramref name="attachments"/>, referenced, not copied.</summary>
    /// <param name="payload">The first Engine.IO message.</param>
    /// <param name="payloadIsBinary">True when the payload goes as a binary message (MessagePack), false for text (JSON).</param>
    /// <param name="attachments">The binary attachments that follow the payload; none when null.</param>
    /// <param name="buffer">The pooled buffer behind <paramref name="payload"/>, whose reference the packet takes over; null for an ordinary array.</param>
    public OutgoingPacket(ReadOnlyMemory<byte> payload, bool payloadIsBinary, ReadOnlyMemory<byte>[]? attachments, PooledPacketBuffer? buffer)
    {
        Payload = payload;
        PayloadIsBinary = payloadIsBinary;
        Attachments = attachments ?? [];
        Buffer = buffer;
    }

    /// <summary>The same packet as <paramref name="packet"/>, without a pooled buffer.</summary>
    public OutgoingPacket(EncodedPacket packet)
        : this(packet.Payload, packet.PayloadIsBinary, packet.Attachments, null)
    {
    }

    /// <summary>The first Engine.IO message: the packet's JSON text or its msgpack bytes. Valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True when <see cref="Payload"/> is sent as a binary message (MessagePack), false when as text (JSON).</summary>
    public bool PayloadIsBinary { get; }

    /// <summary>The binary attachments sent after <see cref="Payload"/>, one binary message each, in order. Shared: do not modify.</summary>
    public ReadOnlyMemory<byte>[] Attachments { get; }

    /// <summary>The pooled buffer behind <see cref="Payload"/> (null when the payload is an ordinary array).</summary>
    public PooledPacketBuffer? Buffer { get; }

    /// <summary>A copy that owns ordinary arrays (for consumers that keep packets, such as recovery or cluster adapters).</summary>
    public EncodedPacket ToEncodedPacket() => new(Payload.ToArray(), PayloadIsBinary, Attachments.Length == 0 ? null : Attachments);

    /// <summary>Gives back the sender's reference to the pooled buffer.</summary>
    public void Release() => Buffer?.Release();

    /// <summary>The payload as text, or as hexadecimal when binary (for debugging and tests).</summary>
    public override string ToString() => PayloadIsBinary ? Convert.ToHexString(Payload.Span) : System.Text.Encoding.UTF8.GetString(Payload.Span);
}
