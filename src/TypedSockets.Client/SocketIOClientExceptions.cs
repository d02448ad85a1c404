using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>A namespace refused the connection (CONNECT_ERROR) or the connection could not be opened.</summary>
public sealed class SocketIOConnectException : Exception
{
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
    public SocketIOAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"No acknowledgement for '{eventName}' within {timeout.TotalMilliseconds} ms.")
    {
        EventName = eventName;
    }

    public string EventName { get; }
}

/// <summary>The socket disconnected (or was disposed) before the ack came, or before it could send.</summary>
public sealed class SocketIODisconnectedException : Exception
{
    public SocketIODisconnectedException(string message)
        : base(message)
    {
    }
}

/// <summary>The offline buffer is full: the packet was not queued.</summary>
public sealed class SocketIOBufferFullException : Exception
{
    public SocketIOBufferFullException(int capacity)
        : base($"The socket is disconnected and its send buffer already holds {capacity} packet(s).")
    {
    }
}
