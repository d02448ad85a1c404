namespace TypedSockets.Server.EngineIO;

/// <summary>
/// One Engine.IO "message" packet (type 4): either UTF-8 text or raw binary.
/// Outgoing messages may share their <see cref="Data"/> between many connections (broadcasts),
/// so the bytes must never be mutated after they are handed to <see cref="EngineConnection.TrySend(EngineMessage, bool)"/>.
/// </summary>
public readonly struct EngineMessage
{
    /// <summary>A message carrying <paramref name="data"/>, referenced, not copied.</summary>
    /// <param name="data">UTF-8 text (without the leading '4') or binary bytes.</param>
    /// <param name="isBinary">True for a binary message.</param>
    public EngineMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        Data = data;
        IsBinary = isBinary;
    }

    /// <summary>The payload: UTF-8 text (without the leading '4') or raw binary bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>True for a binary message (WebSocket binary frame, or 'b'+base64 in polling).</summary>
    public bool IsBinary { get; }

    /// <summary>A text message of UTF-8 bytes, referenced, not copied.</summary>
    public static EngineMessage Text(ReadOnlyMemory<byte> utf8) => new(utf8, isBinary: false);

    /// <summary>A binary message, referenced, not copied.</summary>
    public static EngineMessage Binary(ReadOnlyMemory<byte> bytes) => new(bytes, isBinary: true);
}
