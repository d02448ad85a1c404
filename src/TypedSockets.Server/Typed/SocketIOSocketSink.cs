using TypedSockets.Streaming;

namespace TypedSockets.Server;

/// <summary>
/// The <see cref="SocketEventSink"/> of one server-side socket: generated emitters for that client send here, as
/// volatile events when <c>isVolatile</c>, and acknowledged calls wait at most <c>ackTimeout</c> (the server's
/// <see cref="SocketIOServerOptions.DefaultAckTimeout"/> when null).
/// </summary>
internal sealed class SocketIOSocketSink : SocketEventSink
{
    private readonly SocketIOSocket _socket;
    private readonly bool _isVolatile;
    private readonly TimeSpan? _ackTimeout;

    public SocketIOSocketSink(SocketIOSocket socket, bool isVolatile = false, TimeSpan? ackTimeout = null)
    {
        _socket = socket;
        _isVolatile = isVolatile;
        _ackTimeout = ackTimeout;
    }

    public override SocketEventWriter BeginEvent(SocketEventName name)
    {
        var writer = _socket.Server.Parser.RentPacketWriter();
        writer.BeginEvent(_socket.Namespace.Name, name);
        return writer;
    }

    public override bool Send(SocketEventWriter writer) => _socket.SendTypedEvent(TypedPackets.AsPacketWriter(writer), _isVolatile);

    public override Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken) =>
        _socket.SendTypedWithAckAsync<T>(TypedPackets.AsPacketWriter(writer), _ackTimeout, cancellationToken);

    protected override SocketStreamHost? Streams => _socket.Streams;

    protected override async Task<ISocketEventArguments> SendWithAckAsync(SocketEventWriter writer, CancellationToken cancellationToken) =>
        await _socket.SendTypedWithRawAckAsync(TypedPackets.AsPacketWriter(writer), _ackTimeout, cancellationToken).ConfigureAwait(false);
}
