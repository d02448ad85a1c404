namespace TypedSockets.Server;

/// <summary>
/// Thrown by a connect middleware to refuse a connection: the client receives CONNECT_ERROR
/// <c>{"message":..., "data":...}</c>.
/// </summary>
public sealed class SocketConnectException : Exception
{
    /// <summary>Refuses the connection with <paramref name="message"/> (sent to the client as <c>message</c>) and optional <paramref name="data"/>.</summary>
    /// <param name="message">The error message the client receives; do not put secrets in it.</param>
    /// <param name="data">Details serialized by the server's parser and sent as <c>data</c>; none when null.</param>
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
    /// <summary>No acknowledgement of <paramref name="eventName"/> arrived within <paramref name="timeout"/>.</summary>
    public SocketAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"The client did not acknowledge '{eventName}' within {timeout.TotalMilliseconds:0} ms.")
    {
    }
}

/// <summary>The socket disconnected while an acknowledgement was awaited, or before the emit.</summary>
public sealed class SocketDisconnectedException : Exception
{
    /// <summary>Socket <paramref name="socketId"/> is disconnected, for <paramref name="reason"/>.</summary>
    public SocketDisconnectedException(string socketId, string reason)
        : base($"Socket {socketId} is disconnected ({reason}).")
    {
        Reason = reason;
    }

    /// <summary>Why the socket disconnected: usually one of <see cref="SocketDisconnectReasons"/>.</summary>
    public string Reason { get; }
}
