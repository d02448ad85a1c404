namespace TypedSockets.Server;

/// <summary>An incoming event handed to a generated dispatcher: its arguments, name and acknowledgement.</summary>
internal sealed class SocketIOEventContext : SocketEventContext
{
    private readonly SocketIOEvent _event;

    public SocketIOEventContext(SocketIOEvent evt)
    {
        _event = evt;
    }

    public override ISocketEventArguments Arguments => _event.Arguments;

    public override string EventName => _event.Name;

    public override bool HasAck => _event.HasAck;

    public override CancellationToken Aborted => _event.Socket.Disconnected;

    public override SocketEventWriter BeginAck()
    {
        var socket = _event.Socket;
        var writer = socket.Server.Parser.RentPacketWriter();
        writer.BeginAck(socket.Namespace.Name);
        return writer;
    }

    protected override Streaming.SocketStreamHost? Streams => _event.Socket.Streams;

    public override bool SendAck(SocketEventWriter writer) => _event.Socket.SendTypedAck(_event, TypedPackets.AsPacketWriter(writer));
}
