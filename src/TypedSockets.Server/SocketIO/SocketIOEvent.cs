using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Server;

/// <summary>An incoming event: its name, arguments, and the acknowledgement the client may wait for.</summary>
public sealed class SocketIOEvent
{
    private int _acked;

    internal SocketIOEvent(SocketIOSocket socket, string name, SocketIOArguments arguments, long ackId)
    {
        Socket = socket;
        Name = name;
        Arguments = arguments;
        AckId = ackId;
    }

    /// <summary>The socket that sent the event.</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments after the event name.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>True when the client waits for an acknowledgement.</summary>
    public bool HasAck => AckId >= 0;

    /// <summary>The client's ack id (-1 when none).</summary>
    public long AckId { get; }

    /// <summary>True once <see cref="Ack"/> was called.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _acked) != 0;

    /// <summary>Fires when the socket disconnects.</summary>
    public CancellationToken Disconnected => Socket.Disconnected;

    /// <summary>Argument <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    public T? GetArgument<T>(int index) => Arguments.Get<T>(index);

    /// <summary>
    /// Sends the acknowledgement with <paramref name="args"/>. Only the first call sends; returns false when the client
    /// asked for no ack, when it was already sent, or when the socket is gone.
    /// </summary>
    public bool Ack(params object?[] args)
    {
        if (!HasAck || Interlocked.Exchange(ref _acked, 1) != 0)
        {
            return false;
        }

        return Socket.SendAck(AckId, args);
    }

    /// <summary>Claims the single acknowledgement of this event (the typed path sends it itself).</summary>
    internal bool TryClaimAck() => HasAck && Interlocked.Exchange(ref _acked, 1) == 0;

    /// <summary>The name, the argument count and the ack id (for logs).</summary>
    public override string ToString() => $"{Name} ({Arguments.Count} argument(s){(HasAck ? $", ack {AckId}" : string.Empty)})";
}
