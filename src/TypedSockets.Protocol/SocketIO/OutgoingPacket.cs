namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// An encoded outgoing packet from the typed writing path: like <see cref="EncodedPacket"/>, but its payload may live in
/// a <see cref="PooledPacketBuffer"/> that the sender must <see cref="Release"/> once every recipient has queued it.
/// </summary>
public readonly struct OutgoingPacket
{
    public OutgoingPacket(ReadOnlyMemory<byte> payload, bool payloadIsBinary, ReadOnlyMemory<byte>[]? attachments, PooledPacketBuffer? buffer)
    {
        Payload = payload;
        PayloadIsBinary = payloadIsBinary;
        Attachments = attachments ?? [];
        Buffer = buffer;
    }

    public OutgoingPacket(EncodedPacket packet)
        : this(packet.Payload, packet.PayloadIsBinary, packet.Attachments, null)
    {
    }

    public ReadOnlyMemory<byte> Payload { get; }

    public bool PayloadIsBinary { get; }

    public ReadOnlyMemory<byte>[] Attachments { get; }

    /// <summary>The pooled buffer behind <see cref="Payload"/> (null when the payload is an ordinary array).</summary>
    public PooledPacketBuffer? Buffer { get; }

    /// <summary>A copy that owns ordinary arrays (for consumers that keep packets, such as recovery or cluster adapters).</summary>
    public EncodedPacket ToEncodedPacket() => new(Payload.ToArray(), PayloadIsBinary, Attachments.Length == 0 ? null : Attachments);

    /// <summary>Gives back the sender's reference to the pooled buffer.</summary>
    public void Release() => Buffer?.Release();

    public override string ToString() => PayloadIsBinary ? Convert.ToHexString(Payload.Span) : System.Text.Encoding.UTF8.GetString(Payload.Span);
}
