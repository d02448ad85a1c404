namespace TypedSockets;

/// <summary>Where generated broadcast methods send: the server's namespace, through its adapter.</summary>
public abstract class SocketBroadcastSink
{
    /// <summary>Starts an event: rents a writer for its arguments.</summary>
    public abstract SocketEventWriter BeginEvent(SocketEventName name);

    /// <summary>Sends the event to every socket <paramref name="selection"/> targets.</summary>
    public abstract void Send(in SocketTargetSelection selection, SocketEventWriter writer);

    /// <summary>
    /// Sends the event and collects one result per reached socket: its reply, or a timeout when it did not answer
    /// within <see cref="SocketTargetSelection.Timeout"/>.
    /// </summary>
    public abstract Task<SocketAckResults<T>> SendWithAckAsync<T>(in SocketTargetSelection selection, SocketEventWriter writer, CancellationToken cancellationToken);
}
