namespace TypedSockets.Server;

/// <summary>
/// A server-side event handed to a generated dispatcher (<see cref="SocketIONamespace.HandleServerSide{TEvents}"/>): its
/// arguments, and the reply to the sending server as the acknowledgement.
/// </summary>
internal sealed class ServerSideEventContext : SocketEventContext
{
    private readonly ServerSideEvent _event;

    public ServerSideEventContext(ServerSideEvent evt)
    {
        _event = evt;
    }

    public override ISocketEventArguments Arguments => _event.Arguments;

    public override bool HasAck => _event.HasAck;

    public override CancellationToken Aborted => CancellationToken.None;

    public override SocketEventWriter BeginAck()
    {
        var writer = _event.Namespace.Server.Parser.RentPacketWriter();
        writer.BeginAck(_event.Namespace.Name);
        return writer;
    }

    public override bool SendAck(SocketEventWriter writer)
    {
        var packet = TypedPackets.Finish(writer, ackId: 0);
        object?[] args;
        try
        {
            args = TypedPackets.ToRawArguments(_event.Namespace.Server.Parser, packet);
        }
        finally
        {
            packet.Release();
        }

        return _event.Ack(args.Length > 0 ? args[0] : null);
    }
}
