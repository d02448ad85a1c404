using TypedSockets.Streaming;

namespace TypedSockets.Server;

/// <summary>The <see cref="SocketEventSink"/> of one server-side socket: generated emitters for that client send here.</summary>
internal sealed class SocketIOSocketSink : SocketEventSink
{
    private readonly SocketIOSocket _socket;

    public SocketIOSocketSink(SocketIOSocket socket)
    {
        _socket = socket;
    }

    public override SocketEventWriter BeginEvent(SocketEventName name)
    {
        var writer = _socket.Server.Parser.RentPacketWriter();
        writer.BeginEvent(_socket.Namespace.Name, name);
        return writer;
    }

    public override bool Send(SocketEventWriter writer) => _socket.SendTypedEvent(TypedPackets.AsPacketWriter(writer));

    public override Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken) =>
        _socket.SendTypedWithAckAsync<T>(TypedPackets.AsPacketWriter(writer), cancellationToken);

    protected override SocketStreamHost? Streams => _socket.Streams;

    protected override async Task<ISocketEventArguments> SendWithAckAsync(SocketEventWriter writer, CancellationToken cancellationToken) =>
        await _socket.SendTypedWithRawAckAsync(TypedPackets.AsPacketWriter(writer), cancellationToken).ConfigureAwait(false);
}
