using TypedSockets.Protocol.SocketIO;
using TypedSockets.Streaming;

namespace TypedSockets.Client;

/// <summary>Typed streams (docs/streaming.md): one <see cref="SocketStreamHost"/> per connection of the namespace.</summary>
public sealed partial class SocketIOClientSocket
{
    private SocketStreamHost? _streams;

    /// <summary>
    /// The streams of the current connection, created on first use. A disconnect aborts them and the next use starts a
    /// new host: stream ids and credit do not survive a reconnection.
    /// </summary>
    internal SocketStreamHost Streams
    {
        get
        {
            if (Volatile.Read(ref _streams) is { } existing)
            {
                return existing;
            }

            var host = new SocketStreamHost(
                new StreamSink(this),
                _options.Streams,
                ReadError,
                error => SocketIOClientLog.HandlerFailed(_logger, "stream", Namespace, error));
            lock (_gate)
            {
                if (_streams is { } raced)
                {
                    return raced;
                }

                if (_state != ConnectionState.Connected)
                {
                    host.Abort("not connected");
                    return host;
                }

                _streams = host;
                return host;
            }
        }
    }

    /// <summary>
    /// Routes a <c>$stream:</c> event to the current streams straight from the receive path: stream events never wait
    /// behind a handler on the dispatcher (a handler consuming a stream would otherwise wait for its own items), and
    /// they never count as a recovery offset. A socket that has no streams gets them as ordinary events.
    /// </summary>
    private bool OnStreamEvent(SocketIOPacket packet)
    {
        if (packet.EventName is not { } name || !SocketStreamHost.IsStreamEvent(name) || Volatile.Read(ref _streams) is not { } host)
        {
            return false;
        }

        host.OnEvent(name, packet.Data ?? SocketIOArguments.Empty);
        return true;
    }

    private void AbortStreams()
    {
        SocketStreamHost? host;
        lock (_gate)
        {
            host = _streams;
            _streams = null;
        }

        host?.Abort("disconnected");
    }

    private static SocketInvocationException? ReadError(ISocketEventArguments arguments, int index) =>
        arguments is SocketIOArguments args && args.TryGetError(index, out var message, out var code)
            ? new SocketInvocationException(message!, code)
            : null;

    /// <summary>Sends stream protocol events only on the live connection: never buffered offline, never retried.</summary>
    private bool SendStreamEvent(SocketIOPacketWriter writer)
    {
        var packet = Finish(writer, -1);
        lock (_gate)
        {
            return _state == ConnectionState.Connected && _manager.TrySend(packet);
        }
    }

    private sealed class StreamSink : SocketEventSink
    {
        private readonly SocketIOClientSocket _socket;

        public StreamSink(SocketIOClientSocket socket)
        {
            _socket = socket;
        }

        public override SocketEventWriter BeginEvent(SocketEventName name) => _socket.TypedSink.BeginEvent(name);

        public override bool Send(SocketEventWriter writer) => _socket.SendStreamEvent(AsPacketWriter(writer));

        public override Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Stream protocol events take no acknowledgement.");
    }
}
