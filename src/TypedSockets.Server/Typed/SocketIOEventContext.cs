namespace TypedSockets.Server;

/// <summary>An incoming event handed to a generated dispatcher.</summary>
internal sealed class SocketIOEventContext : SocketEventContext
{
    private readonly SocketIOEvent _event;
    private readonly BindingArguments _arguments;

    public SocketIOEventContext(SocketIOEvent evt)
    {
        _event = evt;
        _arguments = new BindingArguments(evt.Arguments);
    }

    public override ISocketEventArguments Arguments => _arguments;

    public override bool HasAck => _event.HasAck;

    public override CancellationToken Aborted => _event.Socket.Disconnected;

    /// <summary>The first failure to read one of the event's arguments as its parameter type, if any.</summary>
    public Exception? BindingError => _arguments.Error;

    public override SocketEventWriter BeginAck()
    {
        var socket = _event.Socket;
        var writer = socket.Server.Parser.RentPacketWriter();
        writer.BeginAck(socket.Namespace.Name);
        return writer;
    }

    public override bool SendAck(SocketEventWriter writer) => _event.Socket.SendTypedAck(_event, TypedPackets.AsPacketWriter(writer));

    /// <summary>The event's arguments, remembering the first one that does not bind (so it is told apart from a handler's own failure).</summary>
    private sealed class BindingArguments(ISocketEventArguments inner) : ISocketEventArguments
    {
        public Exception? Error { get; private set; }

        public int Count => inner.Count;

        public T? Get<T>(int index)
        {
            try
            {
                return inner.Get<T>(index);
            }
            catch (Exception error)
            {
                Error ??= error;
                throw;
            }
        }
    }
}
