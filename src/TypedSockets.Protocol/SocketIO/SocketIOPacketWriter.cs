namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// The typed, allocation-free way to encode an EVENT or ACK: begin the packet, write each argument through the
/// <see cref="SocketEventWriter"/> methods (generated emitters do), then <see cref="Complete"/> it. Rented from
/// <see cref="SocketIOParser.RentPacketWriter"/> and given back with <see cref="Return"/>; one packet at a time.
/// </summary>
public abstract class SocketIOPacketWriter : SocketEventWriter
{
    /// <summary>The event being written (null for an acknowledgement).</summary>
    public SocketEventName? Event { get; protected set; }

    /// <summary>The namespace of the packet being written.</summary>
    public string Namespace { get; protected set; } = "/";

    /// <summary>Starts an EVENT packet of namespace <paramref name="nsp"/>.</summary>
    public abstract void BeginEvent(string nsp, SocketEventName name);

    /// <summary>Starts an ACK packet of namespace <paramref name="nsp"/>.</summary>
    public abstract void BeginAck(string nsp);

    /// <summary>
    /// Finishes the packet with <paramref name="ackId"/> (-1 for none: an event without acknowledgement). The caller owns
    /// one reference to the returned packet's buffer and must release it.
    /// </summary>
    public abstract OutgoingPacket Complete(long ackId = -1);

    /// <summary>Gives the writer back to its parser (abandoning an unfinished packet).</summary>
    public abstract void Return();
}
