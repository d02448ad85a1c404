namespace TypedSockets.Protocol.SocketIO;

/// <summary>Socket.IO v5 packet types.</summary>
public enum SocketIOPacketType : byte
{
    /// <summary>Client: join a namespace (with optional auth data). Server: the namespace accepted the socket (with its sid).</summary>
    Connect = 0,
    /// <summary>Either side leaves the namespace.</summary>
    Disconnect = 1,
    /// <summary>An event: a name followed by its arguments, with an ack id when the sender waits for an acknowledgement.</summary>
    Event = 2,
    /// <summary>The acknowledgement of an event: the ack id and the reply's arguments.</summary>
    Ack = 3,
    /// <summary>Server to client: the namespace refused the connection (a middleware failed, or no such namespace).</summary>
    ConnectError = 4,
    /// <summary>An <see cref="Event"/> with binary arguments, sent as placeholders followed by attachments (JSON parser only).</summary>
    BinaryEvent = 5,
    /// <summary>An <see cref="Ack"/> with binary arguments, sent as placeholders followed by attachments (JSON parser only).</summary>
    BinaryAck = 6,
}
