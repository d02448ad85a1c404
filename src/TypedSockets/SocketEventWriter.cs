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

    /// <summary>Writes a string argument; null is written as null.</summary>
    public abstract void WriteString(string? value);

    /// <summary>Writes a boolean argument.</summary>
    public abstract void WriteBoolean(bool value);

    /// <summary>Writes a 32-bit integer argument.</summary>
    public abstract void WriteInt32(int value);

    /// <summary>
    /// Writes a 64-bit integer argument. A JavaScript peer reads it as a <c>Number</c>, exact only up to 2^53 in
    /// magnitude; send larger values (ids, for example) as strings.
    /// </summary>
    public abstract void WriteInt64(long value);

    /// <summary>
    /// Writes a number argument. JSON has no NaN or infinities: the JSON parser's writer throws
    /// <see cref="ArgumentException"/> for them.
    /// </summary>
    public abstract void WriteDouble(double value);

    /// <summary>Writes a binary argument: it travels as a binary attachment (or inline binary with MessagePack).</summary>
    public abstract void WriteBinary(ReadOnlyMemory<byte> value);

    /// <summary>
    /// Writes any other value with the parser's serializer (System.Text.Json metadata from the configured options or
    /// source-generated context for JSON). The serializer metadata for <typeparamref name="T"/> is cached per parser.
    /// </summary>
    public abstract void Write<T>(T value);

    /// <summary>
    /// Writes an error argument: the object <c>{"error":{"message":"...","code":"..."}}</c> (<c>code</c> omitted when
    /// null), the error shape of invocations and streams. Parsers' writers override it.
    /// </summary>
    /// <exception cref="NotSupportedException">This writer cannot write errors.</exception>
    public virtual void WriteError(string message, string? code) =>
        throw new NotSupportedException(GetType() + " does not write errors.");
}
