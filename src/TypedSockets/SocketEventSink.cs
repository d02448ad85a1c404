namespace TypedSockets;

/// <summary>
/// Where a generated emitter for one peer sends its events: a server-side socket or a client connection.
/// </summary>
public abstract class SocketEventSink
{
    /// <summary>Starts an event: rents a writer for its arguments.</summary>
    public abstract SocketEventWriter BeginEvent(SocketEventName name);

    /// <summary>Sends the event whose arguments <paramref name="writer"/> holds, without waiting for an acknowledgement.</summary>
    /// <returns>False when the peer is disconnected (the event is dropped).</returns>
    public abstract bool Send(SocketEventWriter writer);

    /// <summary>
    /// Sends the event and waits for the peer's acknowledgement; returns its first argument as <typeparamref name="T"/>.
    /// <paramref name="cancellationToken"/> stops waiting.
    /// </summary>
    public abstract Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken);
}
