using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>A namespace refused the connection (CONNECT_ERROR) or the connection could not be opened.</summary>
public sealed class SocketIOConnectException : Exception
{
    /// <summary>A connection failure described by <paramref name="message"/>.</summary>
    /// <param name="message">What failed, for logs.</param>
    /// <param name="data">The CONNECT_ERROR payload the namespace sent (see <see cref="Payload"/>); null for a transport failure.</param>
    /// <param name="inner">The transport's exception, when that is the cause.</param>
    public SocketIOConnectException(string message, SocketIOArguments? data = null, Exception? inner = null)
        : base(message, inner)
    {
        Payload = data;
    }

    /// <summary>
    /// The CONNECT_ERROR payload: one argument, the object <c>{"message":..,"data":..}</c> (or a string); read it with
    /// <c>Payload.Get&lt;T&gt;(0)</c>. Null when the failure was the transport's.
    /// </summary>
    public SocketIOArguments? Payload { get; }
}

/// <summary>No ack came within the timeout.</summary>
public sealed class SocketIOAckTimeoutException : TimeoutException
{
    /// <summary>The acknowledgement of <paramref name="eventName"/> did not come within <paramref name="timeout"/>.</summary>
    public SocketIOAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"No acknowledgement for '{eventName}' within {timeout.TotalMilliseconds} ms.")
    {
        EventName = eventName;
    }

    /// <summary>The name of the event whose acknowledgement timed out.</summary>
    public string EventName { get; }
}

/// <summary>The socket disconnected (or was disposed) before the ack came, or before it could send.</summary>
public sealed class SocketIODisconnectedException : Exception
{
    /// <summary>A disconnection described by <paramref name="message"/>.</summary>
    public SocketIODisconnectedException(string message)
        : base(message)
    {
    }
}

/// <summary>The offline buffer is full: the packet was not queued.</summary>
public sealed class SocketIOBufferFullException : Exception
{
    /// <summary>
    /// The packet was refused because <paramref name="capacity"/> packets already wait for the connection
    /// (see <see cref="SocketIOClientOptions.MaxBufferedPackets"/>).
    /// </summary>
    public SocketIOBufferFullException(int capacity)
        : base($"The socket is disconnected and its send buffer already holds {capacity} packet(s).")
    {
    }
}
