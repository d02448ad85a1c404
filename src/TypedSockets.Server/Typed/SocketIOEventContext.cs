namespace TypedSockets.Server;

/// <summary>
/// An incoming event handed to a generated dispatcher. It is also the arguments view the dispatcher reads, remembering
/// the first argument that does not bind (so it is told apart from a handler's own failure): one object per event.
/// </summary>
internal sealed class SocketIOEventContext : SocketEventContext, ISocketEventArguments
{
    private readonly SocketIOEvent _event;

    public SocketIOEventContext(SocketIOEvent evt)
    {
        _event = evt;
    }

    public override ISocketEventArguments Arguments => this;

    int ISocketEventArguments.Count => _event.Arguments.Count;

    public override bool HasAck => _event.HasAck;

    public override CancellationToken Aborted => _event.Socket.Disconnected;

    /// <summary>The first failure to read one of the event's arguments as its parameter type, if any.</summary>
    public Exception? BindingError { get; private set; }

    public override SocketEventWriter BeginAck()
    {
        var socket = _event.Socket;
        var writer = socket.Server.Parser.RentPacketWriter();
        writer.BeginAck(socket.Namespace.Name);
        return writer;
    }

    protected override Streaming.SocketStreamHost? Streams => _event.Socket.Streams;

    public override bool SendAck(SocketEventWriter writer) => _event.Socket.SendTypedAck(_event, TypedPackets.AsPacketWriter(writer));

    T? ISocketEventArguments.Get<T>(int index) where T : default
    {
        try
        {
            return _event.Arguments.Get<T>(index);
        }
        catch (Exception error)
        {
            BindingError ??= error;
            throw;
        }
    }
}
