using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Client.Engine;

/// <summary>Receives the packets of a transport, in order, on the transport's receive loop.</summary>
internal delegate void EnginePacketSink(EngineClientTransport transport, in EnginePacket packet);

/// <summary>
/// One Engine.IO transport of a client connection. <see cref="SendAsync"/> is called by one writer at a time;
/// the receive loop runs on its own task.
/// </summary>
internal abstract class EngineClientTransport : IAsyncDisposable
{
    /// <summary>"polling" or "websocket".</summary>
    public abstract string Name { get; }

    /// <summary>Sends a batch (polling: one POST; WebSocket: one frame per message).</summary>
    public abstract ValueTask SendAsync(List<EngineOutgoing> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers incoming packets to <paramref name="sink"/> until the server closes the transport (returns true) or the
    /// loop is paused for an upgrade (returns false). Throws on a transport error.
    /// </summary>
    public abstract Task<bool> ReceiveAsync(EnginePacketSink sink, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>The transport failed: HTTP status, WebSocket error, malformed handshake.</summary>
internal sealed class EngineTransportException : Exception
{
    public EngineTransportException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
