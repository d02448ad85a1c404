namespace TypedSockets.Streaming;

/// <summary>The reserved events of the stream protocol and its error codes (docs/streaming.md).</summary>
internal static class SocketStreamEvents
{
    public const string Prefix = "$stream:";
    public const string CreditName = Prefix + "credit";
    public const string ItemName = Prefix + "item";
    public const string EndName = Prefix + "end";
    public const string CancelName = Prefix + "cancel";

    /// <summary>Consumer to producer: <c>(id, n)</c>, n more items may be sent.</summary>
    public static readonly SocketEventName Credit = new(CreditName);

    /// <summary>Producer to consumer: <c>(id, item, ...)</c>.</summary>
    public static readonly SocketEventName Item = new(ItemName);

    /// <summary>Producer to consumer: <c>(id)</c> or <c>(id, {"error":{...}})</c>.</summary>
    public static readonly SocketEventName End = new(EndName);

    /// <summary>Consumer to producer: <c>(id)</c>, stop producing.</summary>
    public static readonly SocketEventName Cancel = new(CancelName);

    public const string LimitCode = "stream_limit";
    public const string OverflowCode = "stream_overflow";
    public const string ProtocolCode = "stream_protocol";
    public const string ErrorCode = "stream_error";
    public const string DisconnectedCode = "disconnected";
}
