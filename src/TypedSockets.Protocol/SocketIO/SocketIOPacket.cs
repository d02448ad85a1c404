namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// A decoded incoming Socket.IO packet. Binary packets arrive already reassembled: <see cref="Type"/> is then
/// <see cref="SocketIOPacketType.Event"/> or <see cref="SocketIOPacketType.Ack"/> and the attachments live in <see cref="Data"/>.
/// </summary>
public sealed class SocketIOPacket
{
    /// <summary>A decoded packet (created by decoders; see the properties for the meaning of each argument).</summary>
    /// <param name="type">See <see cref="Type"/>.</param>
    /// <param name="namespace">See <see cref="Namespace"/>.</param>
    /// <param name="ackId">See <see cref="AckId"/>.</param>
    /// <param name="eventName">See <see cref="EventName"/>.</param>
    /// <param name="data">See <see cref="Data"/>.</param>
    public SocketIOPacket(SocketIOPacketType type, string @namespace, long ackId, string? eventName, SocketIOArguments? data)
    {
        Type = type;
        Namespace = @namespace;
        AckId = ackId;
        EventName = eventName;
        Data = data;
    }

    /// <summary>The packet type; never a binary type, since binary packets arrive reassembled as <see cref="SocketIOPacketType.Event"/> or <see cref="SocketIOPacketType.Ack"/>.</summary>
    public SocketIOPacketType Type { get; }

    /// <summary>The namespace, "/" when the packet names none.</summary>
    public string Namespace { get; }

    /// <summary>The ack id, or -1 when the packet has none.</summary>
    public long AckId { get; }

    /// <summary>True when the packet carries an ack id: an event that waits for an acknowledgement, or an acknowledgement.</summary>
    public bool HasAckId => AckId >= 0;

    /// <summary>For events: the event name (a number is given as its decimal text).</summary>
    public string? EventName { get; }

    /// <summary>
    /// Events: the arguments after the name. Acks: the ack arguments. Connect: the auth payload as a single
    /// argument (zero arguments when none was sent). Connect error: the error payload. Disconnect: null.
    /// </summary>
    public SocketIOArguments? Data { get; }

    /// <summary>A one-line description for logs.</summary>
    public override string ToString() => $"{Type} {Namespace} ack={AckId} event={EventName} args={Data?.Count ?? 0}";
}
