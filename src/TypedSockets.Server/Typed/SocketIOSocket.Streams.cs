using TypedSockets.Protocol.SocketIO;
using TypedSockets.Streaming;

namespace TypedSockets.Server;

public sealed partial class SocketIOSocket
{
    private SocketStreamHost? _streams;

    /// <summary>
    /// The streams of this socket (docs/streaming.md), created on first use: only then are the <c>$stream:</c> events
    /// handled (before, a peer has no stream to refer to and they are ignored as unknown events). Aborted on disconnect.
    /// </summary>
    internal SocketStreamHost Streams => Volatile.Read(ref _streams) ?? CreateStreams();

    private SocketStreamHost CreateStreams()
    {
        var host = new SocketStreamHost(
            new StreamSink(this),
            Server.Options.Streams,
            ReadError,
            error => SocketIOLog.HandlerFailed(Server.Logger, "stream", Id, error));
        if (Interlocked.CompareExchange(ref _streams, host, null) is { } existing)
        {
            return existing;
        }

        foreach (var name in SocketStreamHost.EventNames)
        {
            On(name, evt =>
            {
                host.OnEvent(evt.Name, evt.Arguments);
            });
        }

        OnDisconnecting(reason => host.Abort(reason));
        if (!Connected)
        {
            host.Abort(_disconnectReason ?? "not connected");
        }

        return host;
    }

    /// <summary>Reads the error shape <c>{"error":{"message","code"}}</c>.</summary>
    internal static SocketInvocationException? ReadError(ISocketEventArguments arguments, int index) =>
        arguments is SocketIOArguments args && args.TryGetError(index, out var message, out var code)
            ? new SocketInvocationException(message!, code)
            : null;

    /// <summary>The sink the stream protocol's own events go through: never recovered (no offset), no acknowledgements.</summary>
    private sealed class StreamSink : SocketEventSink
    {
        private readonly SocketIOSocket _socket;

        public StreamSink(SocketIOSocket socket)
        {
            _socket = socket;
        }

        public override SocketEventWriter BeginEvent(SocketEventName name) => _socket.TypedSink.BeginEvent(name);

        public override bool Send(SocketEventWriter writer) => _socket.SendTypedEvent(TypedPackets.AsPacketWriter(writer), recoverable: false);

        public override Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Stream protocol events take no acknowledgement.");
    }
}
