namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>What kind of value a msgpack header starts.</summary>
internal enum MessagePackTokenKind : byte
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
