namespace TypedSockets;

/// <summary>
/// Writes the arguments of one outgoing event or acknowledgement, in order, straight into the packet being encoded.
/// Each Socket.IO parser (JSON, MessagePack) provides its own implementation; generated emitters and dispatchers
/// only call this abstraction. A writer is rented for one packet and must not be used after it is sent.
/// </summary>
public abstract class SocketEventWriter
{
    /// <summary>Writes a null argument.</summary>
    public abstract void WriteNull();

    public abstract void WriteString(string? value);

    public abstract void WriteBoolean(bool value);

    public abstract void WriteInt32(int value);

    public abstract void WriteInt64(long value);

    public abstract void WriteDouble(double value);

    /// <summary>Writes a binary argument: it travels as a binary attachment (or inline binary with MessagePack).</summary>
    public abstract void WriteBinary(ReadOnlyMemory<byte> value);

    /// <summary>
    /// Writes any other value with the parser's serializer (System.Text.Json metadata from the configured options or
    /// source-generated context for JSON). The serializer metadata for <typeparamref name="T"/> is cached per parser.
    /// </summary>
    public abstract void Write<T>(T value);
}
