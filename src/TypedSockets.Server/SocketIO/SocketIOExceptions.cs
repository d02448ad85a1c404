namespace TypedSockets.Server;

/// <summary>
/// Thrown by a connect middleware to refuse a connection: the client receives CONNECT_ERROR
/// <c>{"message":..., "data":...}</c>.
/// </summary>
public sealed class SocketConnectException : Exception
{
    public SocketConnectException(string message, object? data = null)
        : base(message)
    {
        ErrorData = data;
    }

    /// <summary>Extra details sent to the client as <c>data</c> (omitted when null).</summary>
    public object? ErrorData { get; }
}

/// <summary>An acknowledgement did not arrive in time.</summary>
public sealed class SocketAckTimeoutException : TimeoutException
{
    public SocketAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"The client did not acknowledge '{eventName}' within {timeout.TotalMilliseconds:0} ms.")
    {
    }
}

/// <summary>The socket disconnected while an acknowledgement was awaited, or before the emit.</summary>
public sealed class SocketDisconnectedException : Exception
{
    public SocketDisconnectedException(string socketId, string reason)
        : base($"Socket {socketId} is disconnected ({reason}).")
    {
        Reason = reason;
    }

    public string Reason { get; }
}
